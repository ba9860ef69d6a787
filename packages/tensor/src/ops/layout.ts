/**
 * Layout ops: reshape and its relatives, transpose/permute, broadcastTo,
 * slicing and indexing, concat/stack/split, pad, cast and clone.
 * @module
 */
import { checkDType as checkDTypeName, type DType } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { checkShape, normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import type { IndexSpec, Tensor } from '../tensor.js';
import { tensorArg } from './run.js';

/** Padding per dim: `[before, after]` pairs. */
export type Pads = readonly (readonly [number, number])[];

const reshapeOp = defineOp<{ shape: number[] }>({
  name: 'reshape',
  inputs: ['x'],
  infer([x], { shape }) {
    checkShape(shape, 'reshape');
    if (sizeOf(shape) !== sizeOf(x!.shape)) {
      throw new ShapeError(`cannot reshape ${fmtShape(x!.shape)} (${sizeOf(x!.shape)} elements) into ${fmtShape(shape)} (${sizeOf(shape)} elements)`, 'reshape');
    }
    return [{ shape, dtype: x!.dtype }];
  },
});

const transposeOp = defineOp<{ perm: number[] }>({
  name: 'transpose',
  inputs: ['x'],
  infer([x], { perm }) {
    const rank = x!.shape.length;
    const seen = new Set(perm);
    if (perm.length !== rank || seen.size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
      throw new ShapeError(`dims [${perm.join(',')}] are not a permutation of the ${rank} dims of a tensor of shape ${fmtShape(x!.shape)}`, 'permute');
    }
    return [{ shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype }];
  },
});

const broadcastToOp = defineOp<{ shape: number[] }>({
  name: 'broadcastTo',
  inputs: ['x'],
  infer([x], { shape }) {
    checkShape(shape, 'broadcastTo');
    const xs = x!.shape;
    const ok = xs.length <= shape.length && xs.every((d, i) => d === 1 || d === shape[shape.length - xs.length + i]);
    if (!ok) throw new ShapeError(`cannot broadcast a tensor of shape ${fmtShape(xs)} to ${fmtShape(shape)}`, 'broadcastTo');
    return [{ shape, dtype: x!.dtype }];
  },
});

/** Attributes of the strided `slice` primitive: one entry per dim, already resolved. */
export interface SliceAttrs {
  [key: string]: unknown;
  begin: number[];
  end: number[];
  step: number[];
}

/** The length of a resolved slice. */
function sliceLength(begin: number, end: number, step: number): number {
  return Math.max(0, Math.ceil((end - begin) / step));
}

const sliceOp = defineOp<SliceAttrs>({
  name: 'slice',
  inputs: ['x'],
  infer([x], { begin, end, step }) {
    const shape = x!.shape.map((d, i) => {
      const b = begin[i]!, e = end[i]!, s = step[i]!;
      if (!(s >= 1) || b < 0 || e > d || !Number.isInteger(b) || !Number.isInteger(e)) {
        throw new ShapeError(`dim ${i}: slice ${b}:${e}:${s} does not fit a dimension of size ${d} (shape ${fmtShape(x!.shape)})`, 'slice');
      }
      return sliceLength(b, e, s);
    });
    if (begin.length !== x!.shape.length) throw new ShapeError(`begin has ${begin.length} entries for a tensor of rank ${x!.shape.length}`, 'slice');
    return [{ shape, dtype: x!.dtype }];
  },
});

/** Attributes of `sliceScatter`: the inverse placement of a slice into zeros. */
export interface SliceScatterAttrs {
  [key: string]: unknown;
  shape: number[];
  begin: number[];
  step: number[];
}

const sliceScatterOp = defineOp<SliceScatterAttrs>({
  name: 'sliceScatter',
  inputs: ['x'],
  infer([x], { shape, begin, step }) {
    x!.shape.forEach((d, i) => {
      if (begin[i]! + (d - 1) * step[i]! >= shape[i]! && d > 0) {
        throw new ShapeError(`dim ${i}: ${d} elements from ${begin[i]} by ${step[i]} do not fit ${fmtShape(shape)}`, 'sliceScatter');
      }
    });
    return [{ shape, dtype: x!.dtype }];
  },
});

const concatOp = defineOp<{ axis: number }>({
  name: 'concat',
  inputs: ['...tensors'],
  infer(xs, { axis }) {
    if (xs.length === 0) throw new ValueError('needs at least one tensor', 'concat');
    const first = xs[0]!;
    const scalar = xs.findIndex((x) => x.shape.length === 0);
    if (scalar >= 0) throw new ShapeError(`tensors[${scalar}] is a scalar (shape []), which cannot be concatenated; use stack, or reshape to [1]`, 'concat');
    const ax = normalizeAxis(axis, first.shape, 'concat');
    let total = 0;
    xs.forEach((x, k) => {
      if (x.dtype !== first.dtype) throw new DTypeError(`tensors[${k}] is ${x.dtype} but tensors[0] is ${first.dtype}`, 'concat');
      const same = x.shape.length === first.shape.length && x.shape.every((d, i) => i === ax || d === first.shape[i]);
      if (!same) throw new ShapeError(`tensors[${k}] has shape ${fmtShape(x.shape)}, incompatible with tensors[0] ${fmtShape(first.shape)} outside axis ${ax}`, 'concat');
      total += x.shape[ax]!;
    });
    const shape = [...first.shape];
    shape[ax] = total;
    return [{ shape, dtype: first.dtype }];
  },
});

const padOp = defineOp<{ pads: [number, number][]; value: number }>({
  name: 'pad',
  inputs: ['x'],
  infer([x], { pads }) {
    if (pads.length !== x!.shape.length || pads.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
      throw new ShapeError(`pads ${JSON.stringify(pads)} must hold one [before, after] pair of non-negative integers per dim of ${fmtShape(x!.shape)}`, 'pad');
    }
    return [{ shape: x!.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]), dtype: x!.dtype }];
  },
});

const castOp = defineOp<{ dtype: DType }>({
  name: 'cast',
  inputs: ['x'],
  infer([x], { dtype }) {
    return [{ shape: x!.shape, dtype: checkDTypeName(dtype, 'cast') }];
  },
});

const cloneOp = defineOp({
  name: 'clone',
  inputs: ['x'],
  infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
});

const stackOp = defineOp<{ axis: number }>({
  name: 'stack',
  inputs: ['...tensors'],
  infer(xs, { axis }) {
    if (xs.length === 0) throw new ValueError('needs at least one tensor', 'stack');
    const first = xs[0]!;
    xs.forEach((x, k) => {
      if (x.shape.length !== first.shape.length || x.shape.some((d, i) => d !== first.shape[i])) {
        throw new ShapeError(`tensors[${k}] has shape ${fmtShape(x.shape)} but tensors[0] has ${fmtShape(first.shape)}; stack needs equal shapes`, 'stack');
      }
      if (x.dtype !== first.dtype) throw new DTypeError(`tensors[${k}] is ${x.dtype} but tensors[0] is ${first.dtype}`, 'stack');
    });
    const ax = normalizeAxis(axis, first.shape, 'stack', 'axis', 1);
    const shape = [...first.shape];
    shape.splice(ax, 0, xs.length);
    return [{ shape, dtype: first.dtype }];
  },
  composite(xs, { axis }) {
    const ax = normalizeAxis(axis, xs[0]!.shape, 'stack', 'axis', 1);
    return [concatOp.run1(xs.map((x) => unsqueeze(x, ax)), { axis: ax })];
  },
});

const splitOp = defineOp<{ sizes: number[]; axis: number }>({
  name: 'split',
  inputs: ['x'],
  infer([x], { sizes, axis }) {
    const ax = normalizeAxis(axis, x!.shape, 'split');
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== x!.shape[ax] || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ShapeError(`sizes [${sizes.join(',')}] do not add up to dim ${ax} of ${fmtShape(x!.shape)}`, 'split');
    }
    return sizes.map((s) => {
      const shape = [...x!.shape];
      shape[ax] = s;
      return { shape, dtype: x!.dtype };
    });
  },
  composite([x], { sizes, axis }) {
    const ax = normalizeAxis(axis, x!.shape, 'split');
    let start = 0;
    return sizes.map((s) => {
      const begin = x!.shape.map(() => 0);
      const end = [...x!.shape];
      begin[ax] = start;
      end[ax] = start += s;
      return sliceOp.run1([x!], { begin, end, step: x!.shape.map(() => 1) });
    });
  },
});

/** The layout primitives (stack and split are composites). */
export const layoutOps = { reshape: reshapeOp, transpose: transposeOp, broadcastTo: broadcastToOp, slice: sliceOp, sliceScatter: sliceScatterOp, concat: concatOp, pad: padOp, cast: castOp, clone: cloneOp, stack: stackOp, split: splitOp };

/** Descriptors of these ops. */
export const layoutOpDefs: OpDef[] = Object.values(layoutOps);

/** Resolves a `-1` in a target shape. */
function resolveShape(shape: readonly number[], size: number, from: readonly number[]): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) throw new ShapeError(`shape ${fmtShape(shape)} has more than one -1`, 'reshape');
  if (unknown >= 0) {
    const known = sizeOf(out.filter((_, i) => i !== unknown));
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`cannot reshape ${fmtShape(from)} (${size} elements) into ${fmtShape(shape)}`, 'reshape');
    }
    out[unknown] = size / known;
  }
  return out;
}

/** The same data with another shape (shared, not copied); one dimension may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  tensorArg(x, 'reshape');
  return layoutOps.reshape.run1([x], { shape: resolveShape(shape, x.size, x.shape) });
}

/** Flattens dims `startDim..endDim` (inclusive) into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  tensorArg(x, 'flatten');
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis(startDim, x.shape, 'flatten', 'startDim');
  const e = normalizeAxis(endDim, x.shape, 'flatten', 'endDim');
  if (e < s) throw new ShapeError(`endDim ${endDim} comes before startDim ${startDim}`, 'flatten');
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Removes size-1 dims: all of them, or only those in `axis` (which must have size 1). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  tensorArg(x, 'squeeze');
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axis, x.shape, 'squeeze');
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new ShapeError(`dim ${a} has size ${x.shape[a]} in ${fmtShape(x.shape)}; only size-1 dims can be squeezed`, 'squeeze');
  }
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Inserts a size-1 dim at `axis` (which may equal the rank, or be negative). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  tensorArg(x, 'unsqueeze');
  const a = normalizeAxis(axis, x.shape, 'unsqueeze', 'axis', 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Reorders dims: output dim i is input dim `dims[i]` (negative dims allowed). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  tensorArg(x, 'permute');
  const perm = dims.map((d) => (d < 0 ? d + x.rank : d));
  if (perm.every((p, i) => p === i) && perm.length === x.rank) return x;
  return layoutOps.transpose.run1([x], { perm });
}

/** Swaps two dims; with no arguments, the last two (a matrix transpose, batched). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  tensorArg(x, 'transpose');
  if (x.rank < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normalizeAxis(dim0, x.shape, 'transpose', 'dim0');
  const b = normalizeAxis(dim1, x.shape, 'transpose', 'dim1');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Broadcasts `x` to `shape` (a copy; tensors are immutable). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  tensorArg(x, 'broadcastTo');
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return layoutOps.broadcastTo.run1([x], { shape: [...shape] });
}

/** Resolves a Python-style slice bound against a dimension of size `d`. */
function clampBound(v: number | null | undefined, d: number, fallback: number): number {
  if (v === null || v === undefined) return fallback;
  if (!Number.isInteger(v)) throw new ValueError(`slice bound ${v} is not an integer`, 'slice');
  return Math.min(Math.max(v < 0 ? v + d : v, 0), d);
}

/**
 * Slices with Python semantics per axis: `begin[i]:end[i]:step[i]`, negative
 * indices counting from the end and bounds clamped. Missing entries keep the
 * whole dimension. Steps must be positive.
 */
export function slice(x: Tensor, begin: readonly (number | null)[], end?: readonly (number | null)[], step?: readonly number[]): Tensor {
  tensorArg(x, 'slice');
  if (begin.length > x.rank || (end?.length ?? 0) > x.rank || (step?.length ?? 0) > x.rank) {
    throw new ShapeError(`got more slice entries than the ${x.rank} dims of ${fmtShape(x.shape)}`, 'slice');
  }
  const steps = x.shape.map((_, i) => step?.[i] ?? 1);
  steps.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 1) throw new ValueError(`step ${s} for dim ${i} must be a positive integer`, 'slice');
  });
  const b = x.shape.map((d, i) => clampBound(begin[i], d, 0));
  const e = x.shape.map((d, i) => Math.max(b[i]!, clampBound(end?.[i], d, d)));
  if (b.every((v) => v === 0) && e.every((v, i) => v === x.shape[i]) && steps.every((s) => s === 1)) return x;
  return layoutOps.slice.run1([x], { begin: b, end: e, step: steps });
}

/**
 * Indexes like Python's `x[0, 1:3, ::2]`: a number selects one entry and
 * drops the dim (negative counts from the end), `null` keeps the dim whole,
 * `[start, end?, step?]` slices it. Unlisted trailing dims are kept whole.
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  tensorArg(x, 'index');
  if (specs.length > x.rank) throw new ShapeError(`${specs.length} indices for a tensor of rank ${x.rank} (shape ${fmtShape(x.shape)})`, 'index');
  const begin: (number | null)[] = [];
  const end: (number | null)[] = [];
  const step: number[] = [];
  const drop: number[] = [];
  specs.forEach((s, i) => {
    const d = x.shape[i]!;
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < -d || s >= d) throw new ShapeError(`index ${s} is out of range for dim ${i} of size ${d} (shape ${fmtShape(x.shape)})`, 'index');
      const k = s < 0 ? s + d : s;
      begin.push(k);
      end.push(k + 1);
      step.push(1);
      drop.push(i);
    } else if (s === null) {
      begin.push(null);
      end.push(null);
      step.push(1);
    } else {
      begin.push(s[0] ?? null);
      end.push(s[1] ?? null);
      step.push(s[2] ?? 1);
    }
  });
  const sliced = slice(x, begin, end, step);
  return drop.length === 0 ? sliced : reshape(sliced, sliced.shape.filter((_, i) => !drop.includes(i)));
}

/** Concatenates tensors along an existing axis. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 1) return tensors[0]!;
  return layoutOps.concat.run1(tensors, { axis });
}

/** Stacks equally shaped tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  return layoutOps.stack.run1(tensors, { axis });
}

/**
 * Splits along `axis` (PyTorch semantics): a number is the chunk size (the
 * last chunk may be smaller); an array gives each chunk's size.
 */
export function split(x: Tensor, splitSize: number | readonly number[], axis = 0): Tensor[] {
  tensorArg(x, 'split');
  const ax = normalizeAxis(axis, x.shape, 'split');
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize < 1) throw new ValueError(`splitSize ${splitSize} must be a positive integer`, 'split');
    const d = x.shape[ax]!;
    sizes = [];
    for (let s = 0; s < d; s += splitSize) sizes.push(Math.min(splitSize, d - s));
  } else sizes = [...splitSize];
  return layoutOps.split.run([x], { sizes, axis: ax });
}

/** Pads with a constant; `pads[i]` is `[before, after]` for dim i (fewer entries pad the leading dims). */
export function pad(x: Tensor, pads: Pads, value = 0): Tensor {
  tensorArg(x, 'pad');
  const full = x.shape.map((_, i) => [...(pads[i] ?? [0, 0])] as [number, number]);
  if (pads.length > x.rank) throw new ShapeError(`${pads.length} pad pairs for a tensor of rank ${x.rank}`, 'pad');
  return layoutOps.pad.run1([x], { pads: full, value });
}

/** Converts to `dtype` (float to int truncates toward zero; to bool, non-zero is true). */
export function cast(x: Tensor, dtype: DType): Tensor {
  tensorArg(x, 'cast');
  if (x.dtype === dtype) return x;
  return layoutOps.cast.run1([x], { dtype });
}

/** A copy of `x` with its own storage. */
export function clone(x: Tensor): Tensor {
  return layoutOps.clone.run1([x]);
}
