/**
 * RMSProp and Adagrad.
 * @module
 */
import { ValueError, type Tensor } from '@nn/tensor';
import { checkRange, Optimizer, type OptimizerParams, type UpdateContext, type UpdateResult } from './optimizer.js';

/** The hyperparameters of {@link RMSProp}, per parameter group. */
export type RMSPropHyperparameters = {
  lr: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  eps: number;
  momentum: number;
  /** Normalise by the variance estimate (subtract the squared mean gradient). */
  centered: boolean;
  weightDecay: number;
};

/** Options of {@link RMSProp} (defaults lr 0.01, alpha 0.99, eps 1e-8). */
export type RMSPropOptions = Partial<RMSPropHyperparameters>;

/** RMSProp as PyTorch defines it (ε outside the square root). */
export class RMSProp extends Optimizer<RMSPropHyperparameters> {
  constructor(params: OptimizerParams<RMSPropHyperparameters>, options: RMSPropOptions = {}) {
    super(params, { lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false, weightDecay: 0, ...options });
  }

  protected validate({ alpha, momentum, weightDecay }: RMSPropHyperparameters): void {
    checkRange('RMSProp', 'alpha', alpha, 0, 1, true);
    checkRange('RMSProp', 'momentum', momentum, 0, 1);
    if (!(weightDecay >= 0)) throw new ValueError(`weightDecay must be non-negative, got ${weightDecay}`, 'RMSProp');
  }

  protected update({ param, grad, buffers }: UpdateContext, { lr, alpha, eps, momentum, centered, weightDecay }: RMSPropHyperparameters): UpdateResult {
    const g = weightDecay ? grad.add(param.mul(weightDecay)) : grad;
    const sq = (buffers.squareAvg ?? g.mul(0)).mul(alpha).add(g.square().mul(1 - alpha));
    const next: Record<string, Tensor> = { squareAvg: sq };
    let variance = sq;
    if (centered) {
      const mean = (buffers.gradAvg ?? g.mul(0)).mul(alpha).add(g.mul(1 - alpha));
      next.gradAvg = mean;
      variance = sq.sub(mean.square());
    }
    const scaled = g.div(variance.sqrt().add(eps));
    if (momentum > 0) {
      const b = (buffers.momentum ?? g.mul(0)).mul(momentum).add(scaled);
      next.momentum = b;
      return { param: param.sub(b.mul(lr)), buffers: next };
    }
    return { param: param.sub(scaled.mul(lr)), buffers: next };
  }
}

/** The hyperparameters of {@link Adagrad}, per parameter group. */
export type AdagradHyperparameters = {
  lr: number;
  /** Learning-rate decay per step: lr / (1 + (t − 1)·lrDecay). */
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
};

/** Options of {@link Adagrad} (defaults lr 0.01, eps 1e-10). */
export type AdagradOptions = Partial<AdagradHyperparameters>;

/** Adagrad (Duchi et al. 2011): per-coordinate steps scaled by the root of the summed squared gradients. */
export class Adagrad extends Optimizer<AdagradHyperparameters> {
  constructor(params: OptimizerParams<AdagradHyperparameters>, options: AdagradOptions = {}) {
    super(params, { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, ...options });
  }

  protected validate({ lrDecay, weightDecay, initialAccumulatorValue }: AdagradHyperparameters): void {
    if (!(lrDecay >= 0) || !(weightDecay >= 0) || !(initialAccumulatorValue >= 0)) {
      throw new ValueError('lrDecay, weightDecay and initialAccumulatorValue must be non-negative', 'Adagrad');
    }
  }

  protected update({ param, grad, buffers, step }: UpdateContext, { lr, lrDecay, weightDecay, initialAccumulatorValue, eps }: AdagradHyperparameters): UpdateResult {
    const g = weightDecay ? grad.add(param.mul(weightDecay)) : grad;
    const sum = (buffers.sum ?? g.mul(0).add(initialAccumulatorValue)).add(g.square());
    const clr = lr / (1 + (step - 1) * lrDecay);
    return { param: param.sub(g.div(sum.sqrt().add(eps)).mul(clr)), buffers: { sum } };
  }
}
