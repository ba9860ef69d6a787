/**
 * Adam and AdamW.
 * @module
 */
import { ValueError, type Tensor } from '@nn/tensor';
import { checkRange, Optimizer, type OptimizerParams, type UpdateContext, type UpdateResult } from './optimizer.js';

/** The hyperparameters of {@link Adam} and {@link AdamW}, per parameter group (the betas as `beta1`, `beta2`). */
export type AdamHyperparameters = {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay of the weights. */
  weightDecay: number;
  /** Keep the maximum of past second moments (Reddi et al. 2018). */
  amsgrad: boolean;
};

/** Options of {@link Adam} and {@link AdamW}: its hyperparameters, the betas as a pair as in PyTorch. */
export type AdamOptions = Partial<Omit<AdamHyperparameters, 'beta1' | 'beta2'>> & { betas?: [number, number] };

/**
 * Adam (Kingma and Ba 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂. `weightDecay` adds λp
 * to the gradient, as PyTorch's Adam does.
 */
export class Adam extends Optimizer<AdamHyperparameters> {
  /** True in AdamW: decay is applied to the weights, not the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(params: OptimizerParams<AdamHyperparameters>, { betas = [0.9, 0.999], ...options }: AdamOptions = {}) {
    super(params, { lr: 1e-3, beta1: betas[0], beta2: betas[1], eps: 1e-8, weightDecay: 0, amsgrad: false, ...options });
  }

  protected validate({ beta1, beta2, eps, weightDecay }: AdamHyperparameters): void {
    const name = this.constructor.name;
    checkRange(name, 'betas[0]', beta1, 0, 1);
    checkRange(name, 'betas[1]', beta2, 0, 1);
    if (!(eps >= 0)) throw new ValueError(`eps must be non-negative, got ${eps}`, name);
    if (!(weightDecay >= 0)) throw new ValueError(`weightDecay must be non-negative, got ${weightDecay}`, name);
  }

  protected update({ param, grad, buffers, step }: UpdateContext, { lr, beta1, beta2, eps, weightDecay, amsgrad }: AdamHyperparameters): UpdateResult {
    let p = param;
    let g = grad;
    if (weightDecay) {
      if (this.decoupled) p = p.mul(1 - lr * weightDecay);
      else g = g.add(p.mul(weightDecay));
    }
    const m = (buffers.expAvg ?? g.mul(0)).mul(beta1).add(g.mul(1 - beta1));
    const v = (buffers.expAvgSq ?? g.mul(0)).mul(beta2).add(g.square().mul(1 - beta2));
    const next: Record<string, Tensor> = { expAvg: m, expAvgSq: v };
    let second = v;
    if (amsgrad) {
      second = buffers.maxExpAvgSq ? buffers.maxExpAvgSq.maximum(v) : v.clone();
      next.maxExpAvgSq = second;
    }
    const c1 = 1 - beta1 ** step;
    const c2 = 1 - beta2 ** step;
    const denom = second.div(c2).sqrt().add(eps);
    return { param: p.sub(m.div(denom).mul(lr / c1)), buffers: next };
  }
}

/** AdamW (Loshchilov and Hutter 2019): Adam with weight decay applied to the weights, p ← p(1 − lr·λ). Default λ = 0.01. */
export class AdamW extends Adam {
  protected override readonly decoupled = true;

  constructor(params: OptimizerParams<AdamHyperparameters>, options: AdamOptions = {}) {
    super(params, { weightDecay: 0.01, ...options });
  }
}
