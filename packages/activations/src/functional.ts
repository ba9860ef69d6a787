/**
 * Activation functions as ops (the first part of the catalog; the full one
 * follows in this package).
 * @module
 */
import { noGrad } from '@nn/autograd';
import type { Tensor } from '@nn/tensor';

/** max(x, 0). */
export const relu = (x: Tensor): Tensor => x.relu();
/** 1 / (1 + e^−x). */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => x.tanh();
/** x for x > 0, slope·x otherwise. */
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => x.maximum(x.mul(slope));
/** The identity. */
export const linear = (x: Tensor): Tensor => x;
/** log softmax over `axis`, stable for large inputs. */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => x.sub(x.logsumexp(axis, true));
/**
 * softmax over `axis`: e^(x − m) / Σ e^(x − m) with m the max, a constant
 * shift (taken without gradient) that keeps exp from overflowing.
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const m = noGrad(() => x.max(axis, true));
  const e = x.sub(m).exp();
  return e.div(e.sum(axis, true));
}
