/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.
 * @module
 */
import { ValueError, type Tensor } from '@nn/tensor';
import { checkRange, type Hyperparameters, Optimizer, type UpdateContext, type UpdateResult } from './optimizer.js';

/** Options of {@link SGD}. */
export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient: g + λ·p. */
  weightDecay?: number;
}

/**
 * SGD as PyTorch defines it: g ← ∇ + λp; with momentum μ,
 * b ← μb + (1 − dampening)g (b = g on the first step) and the step uses b
 * (or g + μb with Nesterov); p ← p − lr·step. Without momentum this is the
 * plain delta rule, Δw = −η ∂E/∂w.
 */
export class SGD extends Optimizer {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;

  constructor(params: Iterable<Tensor>, { lr = 0.01, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 }: SGDOptions = {}) {
    super(params, lr);
    checkRange('SGD', 'momentum', momentum, 0, 1);
    checkRange('SGD', 'dampening', dampening, 0, 1, true);
    if (!(weightDecay >= 0)) throw new ValueError(`weightDecay must be non-negative, got ${weightDecay}`, 'SGD');
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new ValueError('Nesterov momentum needs momentum > 0 and zero dampening', 'SGD');
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  hyperparameters(): Hyperparameters {
    return { momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }

  protected setHyperparameters(h: Hyperparameters): void {
    this.momentum = Number(h.momentum);
    this.dampening = Number(h.dampening);
    this.nesterov = Boolean(h.nesterov);
    this.weightDecay = Number(h.weightDecay);
  }

  protected update({ param, grad, buffers }: UpdateContext): UpdateResult {
    let g = this.weightDecay ? grad.add(param.mul(this.weightDecay)) : grad;
    if (this.momentum === 0) return { param: param.sub(g.mul(this.lr)), buffers: {} };
    const prev = buffers.momentum;
    const b = prev === undefined ? g.clone() : prev.mul(this.momentum).add(g.mul(1 - this.dampening));
    g = this.nesterov ? g.add(b.mul(this.momentum)) : b;
    return { param: param.sub(g.mul(this.lr)), buffers: { momentum: b } };
  }
}
