/**
 * Gradients of the layout and indexing primitives: each is the op that puts
 * the cotangent back where the forward op took its values from.
 * @module
 */
import { cast, concat, getEngine, isFloat, permute, scatterAdd, zeros, type Tensor } from '@nn/tensor';
import type { Rule } from './rule.js';
import { sumTo } from './sum-to.js';

/** Names of the layout and indexing primitives with gradient rules. */
export type LayoutGradOp = 'reshape' | 'transpose' | 'broadcastTo' | 'slice' | 'sliceScatter' | 'concat' | 'split' | 'pad' | 'cast' | 'clone' | 'gather' | 'scatterAdd';

function slice(x: Tensor, begin: number[], end: number[], step: number[]): Tensor {
  return getEngine().run('slice', [x], { begin, end, step })[0]!;
}

/** Gradient rules of the layout and indexing primitives. */
export const layoutRules: Record<LayoutGradOp, Rule> = {
  reshape: ([dy], { inputs: [x] }) => [dy!.reshape(x!.shape)],
  transpose: ([dy], { attrs: { perm } }) => {
    const inverse: number[] = [];
    (perm as number[]).forEach((p, i) => (inverse[p] = i));
    return [permute(dy!, inverse)];
  },
  broadcastTo: ([dy], { inputs: [x] }) => [sumTo(dy!, x!.shape)],
  slice: ([dy], { inputs: [x], attrs: { begin, step } }) => [
    getEngine().run('sliceScatter', [dy!], { shape: [...x!.shape], begin, step })[0]!,
  ],
  sliceScatter: ([dy], { inputs: [x], attrs: { begin, step } }) => {
    const b = begin as number[], s = step as number[];
    return [slice(dy!, b, x!.shape.map((d, i) => b[i]! + Math.max(0, d - 1) * s[i]! + (d > 0 ? 1 : 0)), s)];
  },
  concat: ([dy], { inputs, attrs: { axis } }) => {
    const ax = (axis as number) < 0 ? (axis as number) + dy!.rank : (axis as number);
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
  split: (dys, { attrs: { axis } }) => [concat([...dys], axis as number)],
  pad: ([dy], { inputs: [x], attrs: { pads } }) => {
    const p = pads as [number, number][];
    return [slice(dy!, p.map(([before]) => before), x!.shape.map((d, i) => p[i]![0] + d), x!.shape.map(() => 1))];
  },
  cast: ([dy], { inputs: [x] }) => [isFloat(x!.dtype) ? cast(dy!, x!.dtype) : null],
  clone: ([dy]) => [dy!],
  gather: ([dy], { inputs: [x, indices], attrs: { axis } }) => [scatterAdd(zeros(x!.shape, dy!.dtype), indices!, dy!, axis as number), null],
  scatterAdd: ([dy], { inputs: [, indices], attrs: { axis } }) => [dy!, null, dy!.gather(indices!, axis as number)],
};

