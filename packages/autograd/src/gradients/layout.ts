/**
 * Gradients of the layout and indexing primitives: each is the op that puts
 * the cotangent back where the forward op took its values from.
 * @module
 */
import { cast, concat, type CoreOps, isFloat, layoutOps, permute, scatterAdd, zeros, type Tensor } from '@nn/tensor';
import type { RulesFor } from '@nn/tensor/kernel';
import { sumTo } from './sum-to.js';

/** Names of the layout and indexing primitives with gradient rules. */
export type LayoutGradOp = 'reshape' | 'transpose' | 'broadcastTo' | 'slice' | 'sliceScatter' | 'concat' | 'split' | 'pad' | 'cast' | 'clone' | 'gather' | 'scatterAdd';

const slice = (x: Tensor, begin: number[], end: number[], step: number[]): Tensor => layoutOps.slice.run1([x], { begin, end, step });

/** Gradient rules of the layout and indexing primitives. */
export const layoutRules: RulesFor<CoreOps, LayoutGradOp> = {
  reshape: ([dy], { inputs: [x] }) => [dy!.reshape(x!.shape)],
  transpose: ([dy], { attrs: { perm } }) => {
    const inverse: number[] = [];
    perm.forEach((p, i) => (inverse[p] = i));
    return [permute(dy!, inverse)];
  },
  broadcastTo: ([dy], { inputs: [x] }) => [sumTo(dy!, x!.shape)],
  slice: ([dy], { inputs: [x], attrs: { begin, step } }) => [
    layoutOps.sliceScatter.run1([dy!], { shape: [...x!.shape], begin, step }),
  ],
  sliceScatter: ([dy], { inputs: [x], attrs: { begin, step } }) => {
    return [slice(dy!, begin, x!.shape.map((d, i) => begin[i]! + Math.max(0, d - 1) * step[i]! + (d > 0 ? 1 : 0)), step)];
  },
  concat: ([dy], { inputs, attrs: { axis } }) => {
    const ax = axis < 0 ? axis + dy!.rank : axis;
    let start = 0;
    return inputs.map((x) => {
      const begin = dy!.shape.map(() => 0);
      const end = [...dy!.shape];
      begin[ax] = start;
      end[ax] = start += x.shape[ax]!;
      return slice(dy!, begin, end, dy!.shape.map(() => 1));
    });
  },
  // split is a composite, but its own rule turns the backward pass into one concat instead of
  // one full-size scatter per piece (which made unrolled sequences quadratic in their length).
  split: (dys, { attrs: { axis } }) => [concat([...dys], axis)],
  pad: ([dy], { inputs: [x], attrs: { pads } }) => {
    return [slice(dy!, pads.map(([before]) => before), x!.shape.map((d, i) => pads[i]![0] + d), x!.shape.map(() => 1))];
  },
  cast: ([dy], { inputs: [x] }) => [isFloat(x!.dtype) ? cast(dy!, x!.dtype) : null],
  clone: ([dy]) => [dy!],
  gather: ([dy], { inputs: [x, indices], attrs: { axis } }) => [scatterAdd(zeros(x!.shape, dy!.dtype), indices!, dy!, axis), null],
  scatterAdd: ([dy], { inputs: [, indices], attrs: { axis } }) => [dy!, null, dy!.gather(indices!, axis)],
};

