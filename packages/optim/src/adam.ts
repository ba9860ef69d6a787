/**
 * Adam and AdamW.
 * @module
 */
import { ValueError, type Tensor } from '@nn/tensor';
import { checkRange, type Hyperparameters, Optimizer, type UpdateContext, type UpdateResult } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay of the weights. */
  weightDecay?: number;
  /** Keep the maximum of past second moments (Reddi et al. 2018). */
  amsgrad?: boolean;
}

/**
 * Adam (Kingma and Ba 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂. `weightDecay` adds λp
 * to the gradient, as PyTorch's Adam does.
 */
export class Adam extends Optimizer {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  /** True in AdamW: decay is applied to the weights, not the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(params: Iterable<Tensor>, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false }: AdamOptions = {}) {
    super(params, lr);
    checkRange(new.target.name, 'betas[0]', betas[0], 0, 1);
    checkRange(new.target.name, 'betas[1]', betas[1], 0, 1);
    if (!(eps >= 0)) throw new ValueError(`eps must be non-negative, got ${eps}`, new.target.name);
    if (!(weightDecay >= 0)) throw new ValueError(`weightDecay must be non-negative, got ${weightDecay}`, new.target.name);
    [this.beta1, this.beta2] = betas;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.amsgrad = amsgrad;
  }

  hyperparameters(): Hyperparameters {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, amsgrad: this.amsgrad };
  }

  protected setHyperparameters(h: Hyperparameters): void {
    this.beta1 = Number(h.beta1);
    this.beta2 = Number(h.beta2);
    this.eps = Number(h.eps);
    this.weightDecay = Number(h.weightDecay);
    this.amsgrad = Boolean(h.amsgrad);
  }

  protected update({ param, grad, buffers, step }: UpdateContext): UpdateResult {
    let p = param;
    let g = grad;
    if (this.weightDecay) {
      if (this.decoupled) p = p.mul(1 - this.lr * this.weightDecay);
      else g = g.add(p.mul(this.weightDecay));
    }
    const m = (buffers.expAvg ?? g.mul(0)).mul(this.beta1).add(g.mul(1 - this.beta1));
    const v = (buffers.expAvgSq ?? g.mul(0)).mul(this.beta2).add(g.square().mul(1 - this.beta2));
    const next: Record<string, Tensor> = { expAvg: m, expAvgSq: v };
    let second = v;
    if (this.amsgrad) {
      second = buffers.maxExpAvgSq ? buffers.maxExpAvgSq.maximum(v) : v.clone();
      next.maxExpAvgSq = second;
    }
    const c1 = 1 - this.beta1 ** step;
    const c2 = 1 - this.beta2 ** step;
    const denom = second.div(c2).sqrt().add(this.eps);
    return { param: p.sub(m.div(denom).mul(this.lr / c1)), buffers: next };
  }
}

/** AdamW (Loshchilov and Hutter 2019): Adam with weight decay applied to the weights, p ← p(1 − lr·λ). Default λ = 0.01. */
export class AdamW extends Adam {
  protected override readonly decoupled = true;

  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, { weightDecay: 0.01, ...options });
  }
}
