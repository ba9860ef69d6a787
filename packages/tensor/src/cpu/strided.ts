/**
 * Strided copies: the one loop behind transpose, broadcast, slice and pad.
 * @module
 */
import type { TypedArray } from '../dtype.js';

/**
 * Walks `shape` in row-major order and returns, per row of the last dim, the
 * offset of that row under `strides` (starting at `offset`).
 */
function forEachStridedRow(offset: number, strides: readonly number[], shape: readonly number[], row: (p: number, rowIndex: number) => void): void {
  const rank = shape.length;
  if (rank === 0) {
    row(offset, 0);
    return;
  }
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (rows === 0 || shape[rank - 1] === 0) return;
  const counter = new Array<number>(rank - 1).fill(0);
  let p = offset;
  for (let r = 0; r < rows; r++) {
    row(p, r);
    for (let d = rank - 2; d >= 0; d--) {
      if (++counter[d]! < shape[d]!) {
        p += strides[d]!;
        break;
      }
      counter[d] = 0;
      p -= strides[d]! * (shape[d]! - 1);
    }
  }
}

/** out[i] = src[offset + Σ index_d * strides[d]] for every index of `shape`, in row-major order. */
export function stridedCopy(src: TypedArray, offset: number, strides: readonly number[], shape: readonly number[], out: TypedArray): void {
  const n = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const s = shape.length === 0 ? 0 : strides[strides.length - 1]!;
  forEachStridedRow(offset, strides, shape, (p, r) => {
    let o = r * n;
    if (s === 1) out.set(src.subarray(p, p + n), o);
    else for (let k = 0; k < n; k++, p += s) out[o++] = src[p]!;
  });
}

/** dst[offset + Σ index_d * strides[d]] = src[i] for every index of `shape` (the inverse placement). */
export function stridedScatter(src: TypedArray, dst: TypedArray, offset: number, strides: readonly number[], shape: readonly number[]): void {
  const n = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const s = shape.length === 0 ? 0 : strides[strides.length - 1]!;
  forEachStridedRow(offset, strides, shape, (p, r) => {
    let i = r * n;
    if (s === 1) dst.set(src.subarray(i, i + n), p);
    else for (let k = 0; k < n; k++, p += s) dst[p] = src[i++]!;
  });
}
