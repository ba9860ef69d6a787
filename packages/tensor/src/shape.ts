/**
 * Shape arithmetic: sizes, strides, broadcasting and axis normalisation.
 * @module
 */
import { fmtShape, ShapeError, ValueError } from './errors.js';

/** A tensor's shape: one non-negative integer per dimension. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major (C order) strides of a shape, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when two shapes are equal. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that every dimension is a non-negative integer. */
export function checkShape(shape: Shape, op: string, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) throw new ValueError(`${arg} must be an array of integers, got ${String(shape)}`, op);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${arg} ${fmtShape(shape)} has an invalid dimension ${d} (expected a non-negative integer)`, op);
    }
  }
  checkSize(shape, op, arg);
  return [...shape];
}

/**
 * The most elements one tensor holds: 2^31 − 1, so that every backend can
 * index it with 32-bit integers (WebAssembly and WebGPU do).
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Throws a ValueError naming the op and shape when a shape has more than {@link MAX_ELEMENTS} elements. */
export function checkSize(shape: Shape, op: string, arg = 'shape'): void {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  // NaN or a fraction means an op's shape inference went wrong: say so here, not as a corrupt allocation later.
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(`${arg} ${fmtShape(shape)} is not a valid shape (dims must be non-negative integers)`, op);
  if (n > MAX_ELEMENTS) {
    throw new ValueError(`${arg} ${fmtShape(shape)} has ${n.toExponential(3)} elements; a tensor holds at most ${MAX_ELEMENTS.toLocaleString('en-US')} (2^31 − 1)`, op);
  }
}

/**
 * The NumPy broadcast of several shapes: align them on the right; each
 * dimension must be equal or 1.
 */
export function broadcastShapes(op: string, shapes: readonly Shape[], names?: readonly string[]): number[] {
  // The common case first: two operands of one shape (this runs for every binary op).
  if (shapes.length === 2 && shapesEqual(shapes[0]!, shapes[1]!)) return [...shapes[0]!];
  let rank = 0;
  for (const s of shapes) if (s.length > rank) rank = s.length;
  const out = new Array<number>(rank).fill(1);
  for (let i = 0; i < rank; i++) {
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === out[i]) continue;
      if (out[i] === 1) out[i] = d;
      else if (d !== 1) {
        const what = shapes.map((sh, k) => `${names?.[k] ?? `input ${k}`} is ${fmtShape(sh)}`).join(', ');
        throw new ShapeError(`shapes cannot be broadcast together: ${what} (dimension ${i - rank} differs: ${out[i]} vs ${d})`, op);
      }
    }
  }
  return out;
}

/** Resolves a possibly negative axis against a rank, with an error naming the op and the shape. */
export function normalizeAxis(axis: number, shape: Shape, op: string, arg = 'axis', extra = 0): number {
  const rank = shape.length + extra;
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ShapeError(`${arg} ${axis} is out of range for a tensor of shape ${fmtShape(shape)} (rank ${shape.length})`, op);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves an axis list (undefined means all axes), sorted and without duplicates. */
export function normalizeAxes(axes: number | readonly number[] | undefined, shape: Shape, op: string): number[] {
  if (axes === undefined) return shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(a, shape, op));
  const sorted = [...new Set(out)].sort((x, y) => x - y);
  if (sorted.length !== out.length) throw new ShapeError(`axis list [${list.join(',')}] repeats an axis`, op);
  return sorted;
}

/**
 * A plan to walk a broadcast elementwise op row by row: the output is split
 * into `outer` rows of `inner` elements, and each operand has an offset per
 * row and a stride (0 or 1 after coalescing) inside the row. Coalescing merges
 * neighbouring dimensions that are contiguous in every operand, so inner loops
 * stay long and the per-row bookkeeping is rare.
 */
export interface RowPlan {
  /** Elements per row. */
  readonly inner: number;
  /** Stride of each operand inside a row. */
  readonly innerStrides: readonly number[];
  /** The outer dimensions and each operand's strides over them. */
  readonly outerShape: readonly number[];
  readonly outerStrides: readonly (readonly number[])[];
}

/** The strides (in elements) of a row-major tensor of shape `own` seen as broadcast to `outShape`: 0 along broadcast dims. */
export function broadcastStrides(own: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = stridesOf(own);
  const st = new Array<number>(rank).fill(0);
  for (let i = 0; i < own.length; i++) {
    const o = rank - own.length + i;
    st[o] = own[i] === 1 && outShape[o] !== 1 ? 0 : strides[i]!;
  }
  return st;
}

/** Builds a {@link RowPlan} for operands of the given shapes broadcast to `outShape`. */
export function rowPlan(outShape: Shape, operandShapes: readonly Shape[]): RowPlan {
  const rank = outShape.length;
  const strides = operandShapes.map((s) => broadcastStrides(s, outShape));
  const dims: number[] = [];
  const dimStrides: number[][] = operandShapes.map(() => []);
  for (let i = 0; i < rank; i++) {
    const d = outShape[i]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((st, k) => dimStrides[k]![last] === st[i]! * d)) {
      dims[last] = dims[last]! * d;
      strides.forEach((st, k) => (dimStrides[k]![last] = st[i]!));
    } else {
      dims.push(d);
      strides.forEach((st, k) => dimStrides[k]!.push(st[i]!));
    }
  }
  if (dims.length === 0) {
    return { inner: sizeOf(outShape), innerStrides: operandShapes.map(() => 0), outerShape: [], outerStrides: operandShapes.map(() => []) };
  }
  const inner = dims.pop()!;
  const innerStrides = dimStrides.map((st) => st.pop()!);
  return { inner, innerStrides, outerShape: dims, outerStrides: dimStrides };
}

/**
 * Calls `row(offsets, outOffset)` once per row of a {@link RowPlan}; `offsets`
 * is reused between calls.
 */
export function forEachRow(plan: RowPlan, row: (offsets: number[], outOffset: number) => void): void {
  const { outerShape, outerStrides, inner } = plan;
  const nOps = outerStrides.length;
  const rank = outerShape.length;
  const offsets = new Array<number>(nOps).fill(0);
  const counter = new Array<number>(rank).fill(0);
  const rows = sizeOf(outerShape);
  for (let r = 0; r < rows; r++) {
    row(offsets, r * inner);
    // Odometer increment over the outer dims.
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d]! < outerShape[d]!) {
        for (let k = 0; k < nOps; k++) offsets[k]! += outerStrides[k]![d]!;
        break;
      }
      counter[d] = 0;
      for (let k = 0; k < nOps; k++) offsets[k]! -= outerStrides[k]![d]! * (outerShape[d]! - 1);
    }
  }
}

/** How a reduction over sorted `axes` sees its input: as [outer, reduced, inner], after `perm` when given. */
export interface ReductionLayout {
  readonly outer: number;
  readonly reduced: number;
  readonly inner: number;
  /** The transposition that moves scattered reduced axes to the end (then inner is 1); absent when none is needed. */
  readonly perm?: number[];
}

/**
 * Lays a reduction out as [outer, reduced, inner]: contiguous reduced axes
 * are read in place; scattered ones need the input transposed by `perm`
 * (kept axes first) so that the reduced ones come last.
 */
export function reductionLayout(shape: Shape, axes: readonly number[]): ReductionLayout {
  const reduced = sizeOf(axes.map((a) => shape[a]!));
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
  if (contiguous && axes.length > 0) {
    return { outer: sizeOf(shape.slice(0, axes[0])), reduced, inner: sizeOf(shape.slice(axes[axes.length - 1]! + 1)) };
  }
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const outer = sizeOf(kept.map((k) => shape[k]!));
  return perm.every((p, i) => p === i) ? { outer, reduced, inner: 1 } : { outer, reduced, inner: 1, perm };
}
