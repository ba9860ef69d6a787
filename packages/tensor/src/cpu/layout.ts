/**
 * cpu kernels for layout ops.
 * @module
 */
import { allocArray, type TypedArray } from '../dtype.js';
import type { SliceAttrs, SliceScatterAttrs } from '../ops/layout.js';
import type { KernelDef } from '../registry.js';
import { layoutOps } from '../ops/layout.js';
import { cpuKernel } from './backend.js';
import { broadcastStrides, sizeOf, stridesOf } from '../shape.js';
import { stridedCopy, stridedScatter } from './strided.js';

type A = TypedArray;

/** Reshape returns the input's own storage: the engine sees the alias and shares it. */
const reshapeKernel = (): KernelDef => cpuKernel(layoutOps.reshape, ([x]) => [x!.data]);

const transposeKernel = (): KernelDef => cpuKernel(layoutOps.transpose, ([x], { perm }, { outputs }) => {
  const out = outputs[0]!;
  const o = allocArray(out.dtype, sizeOf(out.shape));
  const strides = stridesOf(x!.shape);
  stridedCopy(x!.data, 0, perm.map((p) => strides[p]!), out.shape, o);
  return [o];
});

const broadcastToKernel = (): KernelDef => cpuKernel(layoutOps.broadcastTo, ([x], { shape }, { outputs }) => {
  const o = allocArray(outputs[0]!.dtype, sizeOf(shape));
  stridedCopy(x!.data, 0, broadcastStrides(x!.shape, shape), shape, o);
  return [o];
});

const sliceKernel = (): KernelDef => cpuKernel(layoutOps.slice, ([x], { begin, step }, { outputs }) => {
  const out = outputs[0]!;
  const o = allocArray(out.dtype, sizeOf(out.shape));
  const strides = stridesOf(x!.shape);
  const offset = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
  stridedCopy(x!.data, offset, strides.map((s, i) => s * step[i]!), out.shape, o);
  return [o];
});

const sliceScatterKernel = (): KernelDef => cpuKernel(layoutOps.sliceScatter, ([x], { shape, begin, step }, { outputs }) => {
  const o = allocArray(outputs[0]!.dtype, sizeOf(shape));
  const strides = stridesOf(shape);
  const offset = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
  stridedScatter(x!.data, o, offset, strides.map((s, i) => s * step[i]!), x!.shape);
  return [o];
});

const padKernel = (): KernelDef => cpuKernel(layoutOps.pad, ([x], { pads, value }, { outputs }) => {
  const out = outputs[0]!;
  const o = allocArray(out.dtype, sizeOf(out.shape));
  if (value !== 0) o.fill(value);
  const strides = stridesOf(out.shape);
  const offset = pads.reduce((acc, [before], i) => acc + before * strides[i]!, 0);
  stridedScatter(x!.data, o, offset, strides, x!.shape);
  return [o];
});

const concatKernel = (): KernelDef => cpuKernel(layoutOps.concat, (xs, { axis }, { outputs }) => {
  const out = outputs[0]!;
  const ax = axis < 0 ? axis + out.shape.length : axis;
  const o = allocArray(out.dtype, sizeOf(out.shape));
  const outer = sizeOf(out.shape.slice(0, ax));
  const outRow = sizeOf(out.shape.slice(ax));
  let start = 0;
  for (const x of xs) {
    const v = x.data;
    const chunk = sizeOf(x.shape.slice(ax));
    for (let i = 0; i < outer; i++) o.set(v.subarray(i * chunk, (i + 1) * chunk), i * outRow + start);
    start += chunk;
  }
  return [o];
});

/** cpu kernels of the layout ops. */
export function layoutKernels(): KernelDef[] {
  return [reshapeKernel(), transposeKernel(), broadcastToKernel(), sliceKernel(), sliceScatterKernel(), padKernel(), concatKernel()];
}
