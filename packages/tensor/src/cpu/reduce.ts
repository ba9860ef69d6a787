/**
 * cpu kernels for reductions. Reduced axes that are contiguous are walked as
 * `[outer, reduced, inner]` in place; other axis sets are first transposed
 * to the end, so every reduction is one of two simple loops.
 * @module
 */
import { allocArray, dtypeOfArray, type TypedArray } from '../dtype.js';
import { type ArgReduceAttrs, type ReduceAttrs, type ReduceOp, reduceOps } from '../ops/reduce.js';
import type { KernelDef } from '../registry.js';
import { cpuKernel } from './backend.js';
import { reductionLayout, sizeOf, stridesOf } from '../shape.js';
import { stridedCopy } from './strided.js';

type A = TypedArray;

/** Lays `x` out as `[outer, reduced, inner]` for the given sorted axes, transposing when they are not contiguous. */
function asBlocks(x: A, shape: readonly number[], axes: readonly number[]): { values: A; outer: number; reduced: number; inner: number } {
  const { outer, reduced, inner, perm } = reductionLayout(shape, axes);
  if (perm === undefined) return { values: x, outer, reduced, inner };
  const strides = stridesOf(shape);
  const values = allocArray(dtypeOfArray(x)!, x.length);
  stridedCopy(x, 0, perm.map((p) => strides[p]!), perm.map((p) => shape[p]!), values);
  return { values, outer, reduced, inner };
}

type BlockLoop = (x: A, o: A, outer: number, r: number, inner: number) => void;

/** Reduces rows (inner === 1) with a scalar accumulator, else accumulates whole inner rows. */
const blockLoops: Record<ReduceOp, BlockLoop> = {
  sum(x, o, outer, r, inner) {
    if (inner === 1) {
      for (let i = 0, p = 0; i < outer; i++) {
        let acc = 0;
        for (let k = 0; k < r; k++) acc += x[p++]!;
        o[i] = acc;
      }
      return;
    }
    const acc = new Float64Array(inner);
    for (let i = 0, p = 0; i < outer; i++) {
      acc.fill(0);
      for (let k = 0; k < r; k++) for (let j = 0; j < inner; j++) acc[j]! += x[p++]!;
      o.set(acc, i * inner);
    }
  },
  prod(x, o, outer, r, inner) {
    for (let i = 0; i < outer; i++) {
      for (let j = 0; j < inner; j++) {
        let acc = 1;
        for (let k = 0, p = i * r * inner + j; k < r; k++, p += inner) acc *= x[p]!;
        o[i * inner + j] = acc;
      }
    }
  },
  max(x, o, outer, r, inner) {
    if (inner === 1) {
      for (let i = 0, p = 0; i < outer; i++) {
        let m = x[p++]!;
        for (let k = 1; k < r; k++, p++) if (x[p]! > m || x[p] !== x[p]) m = x[p]!;
        o[i] = m;
      }
      return;
    }
    for (let i = 0; i < outer; i++) {
      const base = i * r * inner;
      for (let j = 0; j < inner; j++) o[i * inner + j] = x[base + j]!;
      for (let k = 1; k < r; k++) {
        for (let j = 0, p = base + k * inner; j < inner; j++, p++) {
          const v = x[p]!, m = o[i * inner + j]!;
          if (v > m || v !== v) o[i * inner + j] = v;
        }
      }
    }
  },
  min(x, o, outer, r, inner) {
    if (inner === 1) {
      for (let i = 0, p = 0; i < outer; i++) {
        let m = x[p++]!;
        for (let k = 1; k < r; k++, p++) if (x[p]! < m || x[p] !== x[p]) m = x[p]!;
        o[i] = m;
      }
      return;
    }
    for (let i = 0; i < outer; i++) {
      const base = i * r * inner;
      for (let j = 0; j < inner; j++) o[i * inner + j] = x[base + j]!;
      for (let k = 1; k < r; k++) {
        for (let j = 0, p = base + k * inner; j < inner; j++, p++) {
          const v = x[p]!, m = o[i * inner + j]!;
          if (v < m || v !== v) o[i * inner + j] = v;
        }
      }
    }
  },
};

function reduceKernel(op: ReduceOp): KernelDef<ReduceAttrs> {
  const loop = blockLoops[op];
  return cpuKernel(reduceOps[op], ([x], { axes }, { outputs }) => {
    const out = allocArray(outputs[0]!.dtype, sizeOf(outputs[0]!.shape));
    const { values, outer, reduced, inner } = asBlocks(x!.data, x!.shape, axes);
    if (reduced === 0) out.fill(op === 'prod' ? 1 : 0);
    else loop(values, out, outer, reduced, inner);
    return [out];
  });
}

function argKernel(op: 'argmax' | 'argmin'): KernelDef<ArgReduceAttrs> {
  const better = op === 'argmax' ? (v: number, m: number) => v > m || (v !== v && m === m) : (v: number, m: number) => v < m || (v !== v && m === m);
  return cpuKernel(reduceOps[op], ([x], { axis }, { outputs }) => {
    const out = new Int32Array(sizeOf(outputs[0]!.shape));
    const { values, outer, reduced, inner } = asBlocks(x!.data, x!.shape, [axis]);
    for (let i = 0; i < outer; i++) {
      for (let j = 0; j < inner; j++) {
        const base = i * reduced * inner + j;
        let best = 0, m = values[base]!;
        for (let k = 1; k < reduced; k++) {
          const v = values[base + k * inner]!;
          if (better(v, m)) { m = v; best = k; }
        }
        out[i * inner + j] = best;
      }
    }
    return [out];
  });
}

/** cpu kernels of the reductions. */
export function reduceKernels(): KernelDef[] {
  return [...(['sum', 'prod', 'max', 'min'] as const).map(reduceKernel), argKernel('argmax'), argKernel('argmin')];
}
