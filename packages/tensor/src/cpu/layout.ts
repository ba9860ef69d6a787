/**
 * cpu kernels for layout ops.
 * @module
 */
import { allocArray, type TypedArray } from '../dtype.js';
import type { SliceAttrs, SliceScatterAttrs } from '../ops/layout.js';
import type { KernelDef } from '../registry.js';
import { broadcastStrides, sizeOf, stridesOf } from '../shape.js';
import { stridedCopy, stridedScatter } from './strided.js';

type A = TypedArray;

/** Reshape returns the input's own storage: the engine sees the alias and shares it. */
const reshapeKernel: KernelDef = { op: 'reshape', backend: 'cpu', run: ([x]) => [x!.data] };

const transposeKernel: KernelDef<{ perm: number[] }> = {
  op: 'transpose',
  backend: 'cpu',
  run([x], { perm }, { outputs }) {
    const out = outputs[0]!;
    const o = allocArray(out.dtype, sizeOf(out.shape));
    const strides = stridesOf(x!.shape);
    stridedCopy(x!.data as A, 0, perm.map((p) => strides[p]!), out.shape, o);
    return [o];
  },
};

const broadcastToKernel: KernelDef<{ shape: number[] }> = {
  op: 'broadcastTo',
  backend: 'cpu',
  run([x], { shape }, { outputs }) {
    const o = allocArray(outputs[0]!.dtype, sizeOf(shape));
    stridedCopy(x!.data as A, 0, broadcastStrides(x!.shape, shape), shape, o);
    return [o];
  },
};

const sliceKernel: KernelDef<SliceAttrs> = {
  op: 'slice',
  backend: 'cpu',
  run([x], { begin, step }, { outputs }) {
    const out = outputs[0]!;
    const o = allocArray(out.dtype, sizeOf(out.shape));
    const strides = stridesOf(x!.shape);
    const offset = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
    stridedCopy(x!.data as A, offset, strides.map((s, i) => s * step[i]!), out.shape, o);
    return [o];
  },
};

const sliceScatterKernel: KernelDef<SliceScatterAttrs> = {
  op: 'sliceScatter',
  backend: 'cpu',
  run([x], { shape, begin, step }, { outputs }) {
    const o = allocArray(outputs[0]!.dtype, sizeOf(shape));
    const strides = stridesOf(shape);
    const offset = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
    stridedScatter(x!.data as A, o, offset, strides.map((s, i) => s * step[i]!), x!.shape);
    return [o];
  },
};

const padKernel: KernelDef<{ pads: [number, number][]; value: number }> = {
  op: 'pad',
  backend: 'cpu',
  run([x], { pads, value }, { outputs }) {
    const out = outputs[0]!;
    const o = allocArray(out.dtype, sizeOf(out.shape));
    if (value !== 0) o.fill(value);
    const strides = stridesOf(out.shape);
    const offset = pads.reduce((acc, [before], i) => acc + before * strides[i]!, 0);
    stridedScatter(x!.data as A, o, offset, strides, x!.shape);
    return [o];
  },
};

const concatKernel: KernelDef<{ axis: number }> = {
  op: 'concat',
  backend: 'cpu',
  run(xs, { axis }, { outputs }) {
    const out = outputs[0]!;
    const ax = axis < 0 ? axis + out.shape.length : axis;
    const o = allocArray(out.dtype, sizeOf(out.shape));
    const outer = sizeOf(out.shape.slice(0, ax));
    const outRow = sizeOf(out.shape.slice(ax));
    let start = 0;
    for (const x of xs) {
      const v = x.data as A;
      const chunk = sizeOf(x.shape.slice(ax));
      for (let i = 0; i < outer; i++) o.set(v.subarray(i * chunk, (i + 1) * chunk), i * outRow + start);
      start += chunk;
    }
    return [o];
  },
};

/** cpu kernels of the layout ops. */
export const layoutKernels: KernelDef[] = [reshapeKernel, transposeKernel, broadcastToKernel, sliceKernel, sliceScatterKernel, padKernel, concatKernel];
