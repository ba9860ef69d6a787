/**
 * cpu kernels for gather, scatterAdd and oneHot. Indices are checked here,
 * where their values are known: an out-of-range index is an error, never a
 * silent read past the end.
 * @module
 */
import { allocArray, type TypedArray } from '../dtype.js';
import { fmtShape, ValueError } from '../errors.js';
import type { KernelDef } from '../registry.js';
import { indexingOps } from '../ops/indexing.js';
import { cpuKernel } from './backend.js';
import { sizeOf } from '../shape.js';

type A = TypedArray;

function checkedIndex(op: string, i: number, size: number, shape: readonly number[], axis: number): number {
  if (i < -size || i >= size) {
    throw new ValueError(`index ${i} is out of range for dim ${axis} of size ${size} (shape ${fmtShape(shape)})`, op);
  }
  return i < 0 ? i + size : i;
}

const gatherKernel = (): KernelDef => cpuKernel(indexingOps.gather, ([x, indices], { axis }, { outputs }) => {
  const xv = x!.data, idx = indices!.data as Int32Array;
  const o = allocArray(outputs[0]!.dtype, sizeOf(outputs[0]!.shape));
  const outer = sizeOf(x!.shape.slice(0, axis)), d = x!.shape[axis]!, inner = sizeOf(x!.shape.slice(axis + 1));
  const n = idx.length;
  for (let i = 0, p = 0; i < outer; i++) {
    for (let k = 0; k < n; k++, p += inner) {
      const j = checkedIndex('gather', idx[k]!, d, x!.shape, axis);
      const src = (i * d + j) * inner;
      if (inner === 1) o[p] = xv[src]!;
      else o.set(xv.subarray(src, src + inner), p);
    }
  }
  return [o];
});

const scatterAddKernel = (): KernelDef => cpuKernel(indexingOps.scatterAdd, ([x, indices, updates], { axis }) => {
  const o = (x!.data).slice();
  const idx = indices!.data as Int32Array, u = updates!.data;
  const outer = sizeOf(x!.shape.slice(0, axis)), d = x!.shape[axis]!, inner = sizeOf(x!.shape.slice(axis + 1));
  const n = idx.length;
  for (let i = 0, p = 0; i < outer; i++) {
    for (let k = 0; k < n; k++) {
      const dst = (i * d + checkedIndex('scatterAdd', idx[k]!, d, x!.shape, axis)) * inner;
      for (let j = 0; j < inner; j++) o[dst + j]! += u[p++]!;
    }
  }
  return [o];
});

const oneHotKernel = (): KernelDef => cpuKernel(indexingOps.oneHot, ([indices], { depth }) => {
  const idx = indices!.data as Int32Array;
  const o = new Float32Array(idx.length * depth);
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i]!;
    if (c < 0 || c >= depth || !Number.isInteger(c)) {
      throw new ValueError(`class index ${c} at position ${i} is outside [0, ${depth}) (indices shape ${fmtShape(indices!.shape)})`, 'oneHot');
    }
    o[i * depth + c] = 1;
  }
  return [o];
});

/** cpu kernels of the indexing ops. */
export function indexingKernels(): KernelDef[] {
  return [gatherKernel(), scatterAddKernel(), oneHotKernel()];
}
