/**
 * Losses by name, for `fit` and the command line.
 * @module
 */
import { binaryCrossEntropyWithLogits, crossEntropy, hingeLoss, l1Loss, mseLoss, smoothL1Loss } from '@nn/layers-core';
import { type Tensor, ValueError } from '@nn/tensor';

/** A loss: output and target in, scalar out. */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/** Loss names accepted by `fit` and `evaluate`. */
export type LossName = 'crossEntropy' | 'mse' | 'l1' | 'smoothL1' | 'hinge' | 'binaryCrossEntropyWithLogits';

const LOSSES: Record<LossName, LossFn> = {
  crossEntropy: (o, t) => crossEntropy(o, t),
  mse: (o, t) => mseLoss(o, t),
  l1: (o, t) => l1Loss(o, t),
  smoothL1: (o, t) => smoothL1Loss(o, t),
  hinge: (o, t) => hingeLoss(o, t),
  binaryCrossEntropyWithLogits: (o, t) => binaryCrossEntropyWithLogits(o, t),
};

/** A loss function from a name or a function. */
export function resolveLoss(loss: LossFn | LossName): LossFn {
  if (typeof loss === 'function') return loss;
  const fn = LOSSES[loss];
  if (fn === undefined) throw new ValueError(`unknown loss '${String(loss)}' (known: ${Object.keys(LOSSES).join(', ')})`, 'fit');
  return fn;
}
