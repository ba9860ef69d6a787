/**
 * RMSProp and Adagrad.
 * @module
 */
import { ValueError, type Tensor } from '@nn/tensor';
import { checkRange, type Hyperparameters, Optimizer, type UpdateContext, type UpdateResult } from './optimizer.js';

/** Options of {@link RMSProp}. */
export interface RMSPropOptions {
  lr?: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha?: number;
  eps?: number;
  momentum?: number;
  /** Normalise by the variance estimate (subtract the squared mean gradient). */
  centered?: boolean;
  weightDecay?: number;
}

/** RMSProp as PyTorch defines it (ε outside the square root). */
export class RMSProp extends Optimizer {
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
  weightDecay: number;

  constructor(params: Iterable<Tensor>, { lr = 0.01, alpha = 0.99, eps = 1e-8, momentum = 0, centered = false, weightDecay = 0 }: RMSPropOptions = {}) {
    super(params, lr);
    checkRange('RMSProp', 'alpha', alpha, 0, 1, true);
    checkRange('RMSProp', 'momentum', momentum, 0, 1);
    if (!(weightDecay >= 0)) throw new ValueError(`weightDecay must be non-negative, got ${weightDecay}`, 'RMSProp');
    this.alpha = alpha;
    this.eps = eps;
    this.momentum = momentum;
    this.centered = centered;
    this.weightDecay = weightDecay;
  }

  hyperparameters(): Hyperparameters {
    return { alpha: this.alpha, eps: this.eps, momentum: this.momentum, centered: this.centered, weightDecay: this.weightDecay };
  }

  protected setHyperparameters(h: Hyperparameters): void {
    this.alpha = Number(h.alpha);
    this.eps = Number(h.eps);
    this.momentum = Number(h.momentum);
    this.centered = Boolean(h.centered);
    this.weightDecay = Number(h.weightDecay);
  }

  protected update({ param, grad, buffers }: UpdateContext): UpdateResult {
    const g = this.weightDecay ? grad.add(param.mul(this.weightDecay)) : grad;
    const sq = (buffers.squareAvg ?? g.mul(0)).mul(this.alpha).add(g.square().mul(1 - this.alpha));
    const next: Record<string, Tensor> = { squareAvg: sq };
    let variance = sq;
    if (this.centered) {
      const mean = (buffers.gradAvg ?? g.mul(0)).mul(this.alpha).add(g.mul(1 - this.alpha));
      next.gradAvg = mean;
      variance = sq.sub(mean.square());
    }
    const scaled = g.div(variance.sqrt().add(this.eps));
    if (this.momentum > 0) {
      const b = (buffers.momentum ?? g.mul(0)).mul(this.momentum).add(scaled);
      next.momentum = b;
      return { param: param.sub(b.mul(this.lr)), buffers: next };
    }
    return { param: param.sub(scaled.mul(this.lr)), buffers: next };
  }
}

/** Options of {@link Adagrad}. */
export interface AdagradOptions {
  lr?: number;
  /** Learning-rate decay per step: lr / (1 + (t − 1)·lrDecay). */
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

/** Adagrad (Duchi et al. 2011): per-coordinate steps scaled by the root of the summed squared gradients. */
export class Adagrad extends Optimizer {
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;

  constructor(params: Iterable<Tensor>, { lr = 0.01, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 }: AdagradOptions = {}) {
    super(params, lr);
    if (!(lrDecay >= 0) || !(weightDecay >= 0) || !(initialAccumulatorValue >= 0)) {
      throw new ValueError('lrDecay, weightDecay and initialAccumulatorValue must be non-negative', 'Adagrad');
    }
    this.lrDecay = lrDecay;
    this.weightDecay = weightDecay;
    this.initialAccumulatorValue = initialAccumulatorValue;
    this.eps = eps;
  }

  hyperparameters(): Hyperparameters {
    return { lrDecay: this.lrDecay, weightDecay: this.weightDecay, initialAccumulatorValue: this.initialAccumulatorValue, eps: this.eps };
  }

  protected setHyperparameters(h: Hyperparameters): void {
    this.lrDecay = Number(h.lrDecay);
    this.weightDecay = Number(h.weightDecay);
    this.initialAccumulatorValue = Number(h.initialAccumulatorValue);
    this.eps = Number(h.eps);
  }

  protected update({ param, grad, buffers, step }: UpdateContext): UpdateResult {
    const g = this.weightDecay ? grad.add(param.mul(this.weightDecay)) : grad;
    const sum = (buffers.sum ?? g.mul(0).add(this.initialAccumulatorValue)).add(g.square());
    const clr = this.lr / (1 + (step - 1) * this.lrDecay);
    return { param: param.sub(g.div(sum.sqrt().add(this.eps)).mul(clr)), buffers: { sum } };
  }
}
