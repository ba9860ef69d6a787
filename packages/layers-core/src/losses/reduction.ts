/**
 * Reductions shared by the losses, and their argument checks.
 * @module
 */
import { fmtShape, ShapeError, type Tensor, ValueError } from '@nn/tensor';

/** How a loss reduces per-element (or per-sample) values: PyTorch's `reduction`. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Applies a reduction to per-element losses. */
export function reduce(loss: Tensor, reduction: Reduction, op: string): Tensor {
  switch (reduction) {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new ValueError(`reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`, op);
  }
}

/** Checks that prediction and target have the same shape (no silent broadcasting in losses). */
export function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.length !== target.shape.length || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(`input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`, op);
  }
}
