/**
 * Regression losses: MSE (with the textbook ½Σ(t−z)² form), L1, smooth L1.
 * @module
 */
import { ValueError, type Tensor } from '@nn/tensor';
import { checkSameShape, reduce, type Reduction } from './reduction.js';

/**
 * Mean squared error. `reduction: 'halfSum'` gives the textbook
 * E = ½ Σ (t − z)², whose gradient is exactly the delta rule's error term.
 */
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction | 'halfSum' } = {}): Tensor {
  checkSameShape('mseLoss', input, target);
  const sq = input.sub(target).square();
  return reduction === 'halfSum' ? sq.sum().mul(0.5) : reduce(sq, reduction, 'mseLoss');
}

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  checkSameShape('l1Loss', input, target);
  return reduce(input.sub(target).abs(), reduction, 'l1Loss');
}

/** Huber-style smooth L1: ½d²/β where |d| < β, else |d| − ½β (PyTorch's `smooth_l1_loss`). */
export function smoothL1Loss(input: Tensor, target: Tensor, { reduction = 'mean', beta = 1 }: { reduction?: Reduction; beta?: number } = {}): Tensor {
  checkSameShape('smoothL1Loss', input, target);
  if (!(beta >= 0)) throw new ValueError(`beta must be non-negative, got ${beta}`, 'smoothL1Loss');
  const d = input.sub(target).abs();
  if (beta === 0) return reduce(d, reduction, 'smoothL1Loss');
  const quadratic = d.square().mul(0.5 / beta);
  return reduce(quadratic.where(d.lt(beta), d.sub(0.5 * beta)), reduction, 'smoothL1Loss');
}
