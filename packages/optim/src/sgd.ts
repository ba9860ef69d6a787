/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.
 * @module
 */
import { ValueError } from '@nn/tensor';
import { checkRange, Optimizer, type OptimizerParams, type UpdateContext, type UpdateResult } from './optimizer.js';

/** The hyperparameters of {@link SGD}, per parameter group. */
export type SGDHyperparameters = {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  /** L2 penalty added to the gradient: g + λ·p. */
  weightDecay: number;
};

/** Options of {@link SGD}: any of its hyperparameters (defaults lr 0.01, no momentum, no decay). */
export type SGDOptions = Partial<SGDHyperparameters>;

/**
 * SGD as PyTorch defines it: g ← ∇ + λp; with momentum μ,
 * b ← μb + (1 − dampening)g (b = g on the first step) and the step uses b
 * (or g + μb with Nesterov); p ← p − lr·step. Without momentum this is the
 * plain delta rule, Δw = −η ∂E/∂w.
 */
export class SGD extends Optimizer<SGDHyperparameters> {
  constructor(params: OptimizerParams<SGDHyperparameters>, options: SGDOptions = {}) {
    super(params, { lr: 0.01, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...options });
  }

  protected validate({ momentum, dampening, nesterov, weightDecay }: SGDHyperparameters): void {
    checkRange('SGD', 'momentum', momentum, 0, 1);
    checkRange('SGD', 'dampening', dampening, 0, 1, true);
    if (!(weightDecay >= 0)) throw new ValueError(`weightDecay must be non-negative, got ${weightDecay}`, 'SGD');
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new ValueError('Nesterov momentum needs momentum > 0 and zero dampening', 'SGD');
  }

  protected update({ param, grad, buffers }: UpdateContext, { lr, momentum, dampening, nesterov, weightDecay }: SGDHyperparameters): UpdateResult {
    let g = weightDecay ? grad.add(param.mul(weightDecay)) : grad;
    if (momentum === 0) return { param: param.sub(g.mul(lr)), buffers: {} };
    const prev = buffers.momentum;
    const b = prev === undefined ? g.clone() : prev.mul(momentum).add(g.mul(1 - dampening));
    g = nesterov ? g.add(b.mul(momentum)) : b;
    return { param: param.sub(g.mul(lr)), buffers: { momentum: b } };
  }
}
