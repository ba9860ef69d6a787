/**
 * Gradients of the reductions.
 * @module
 */
import type { CoreOps, ReduceAttrs } from '@nn/tensor';
import type { RulesFor } from '@nn/tensor/kernel';
import type { Rule } from './rule.js';
import { unreduce } from './sum-to.js';


/** Names of the reductions with gradient rules (mean is a composite and needs none). */
export type ReduceGradOp = 'sum' | 'prod' | 'max' | 'min' | 'logsumexp';

/** max and min: the gradient goes to the entries equal to the extreme, split evenly among ties. */
const extremeRule: Rule<ReduceAttrs> = ([dy], { inputs: [x], outputs: [y], attrs: { axes } }) => {
  const mask = x!.eq(unreduce(y!, x!.shape, axes)).cast(x!.dtype);
  const count = mask.sum(axes, true);
  return [unreduce(dy!, x!.shape, axes).mul(mask).div(count)];
};

/** Gradient rules of the reductions. */
export const reduceRules: RulesFor<CoreOps, ReduceGradOp> = {
  sum: ([dy], { inputs: [x], attrs: { axes } }) => [unreduce(dy!, x!.shape, axes)],
  // d(prod)/dx_i = prod / x_i; exact where no entry is zero (documented limitation).
  prod: ([dy], { inputs: [x], outputs: [y], attrs: { axes } }) => [unreduce(dy!.mul(y!), x!.shape, axes).div(x!)],
  max: extremeRule,
  min: extremeRule,
  logsumexp: ([dy], { inputs: [x], outputs: [y], attrs: { axes } }) => [unreduce(dy!, x!.shape, axes).mul(x!.sub(unreduce(y!, x!.shape, axes)).exp())],
};
