/**
 * The cpu matmul: a packed, register-blocked GEMM.
 *
 * Why this shape: JavaScript has no SIMD, so speed comes from keeping a 4x4
 * block of C in 16 local variables (registers) while streaming packed panels
 * of A and B sequentially. Packing also absorbs transposed operands, so
 * `transposeA`/`transposeB` cost nothing extra. K is blocked so that a panel
 * of B stays in cache across all rows of A.
 * @module
 */
import type { TypedArray } from '../dtype.js';
import type { MatmulAttrs } from '../ops/linalg.js';
import type { KernelDef } from '../registry.js';
import { linalgOps } from '../ops/linalg.js';
import { cpuKernel } from './backend.js';
import { allocArray } from '../dtype.js';
import { sizeOf, stridesOf } from '../shape.js';

type A = TypedArray;
type Packed = Float32Array | Float64Array;

/** Depth of a K block: 4 rows x KC of A plus a 4 x KC panel of B stay in L1. */
const KC = 256;

/** Packs rows i0..i0+3 of op(A), columns p0..p0+kc, as pa[k*4 + r] (zeros past M). */
function packA(a: A, aOff: number, transA: boolean, M: number, K: number, i0: number, p0: number, kc: number, pa: Packed): void {
  const rows = Math.min(4, M - i0);
  for (let r = 0; r < 4; r++) {
    if (r >= rows) {
      for (let k = 0; k < kc; k++) pa[k * 4 + r] = 0;
    } else if (transA) {
      // op(A)[i, k] = a[k * M + i]
      for (let k = 0, p = aOff + p0 * M + i0 + r; k < kc; k++, p += M) pa[k * 4 + r] = a[p]!;
    } else {
      for (let k = 0, p = aOff + (i0 + r) * K + p0; k < kc; k++) pa[k * 4 + r] = a[p++]!;
    }
  }
}

/** Packs columns of op(B), rows p0..p0+kc, as panels of 4 columns: pb[panel*kc*4 + k*4 + c]. */
function packB(b: A, bOff: number, transB: boolean, N: number, K: number, p0: number, kc: number, pb: Packed): void {
  const panels = Math.ceil(N / 4);
  for (let jp = 0; jp < panels; jp++) {
    const base = jp * kc * 4;
    for (let c = 0; c < 4; c++) {
      const j = jp * 4 + c;
      if (j >= N) {
        for (let k = 0; k < kc; k++) pb[base + k * 4 + c] = 0;
      } else if (transB) {
        // op(B)[k, j] = b[j * K + k]
        for (let k = 0, p = bOff + j * K + p0; k < kc; k++) pb[base + k * 4 + c] = b[p++]!;
      } else {
        for (let k = 0, p = bOff + p0 * N + j; k < kc; k++, p += N) pb[base + k * 4 + c] = b[p]!;
      }
    }
  }
}

/** C[i0..i0+3, all columns] += packed A rows x packed B panels, over a K block of depth kc. */
function microKernels(pa: Packed, pb: Packed, kc: number, c: A, cOff: number, N: number, rows: number, i0: number): void {
  const panels = Math.ceil(N / 4);
  for (let jp = 0; jp < panels; jp++) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    let ia = 0;
    let ib = jp * kc * 4;
    for (let k = 0; k < kc; k++) {
      const a0 = pa[ia]!, a1 = pa[ia + 1]!, a2 = pa[ia + 2]!, a3 = pa[ia + 3]!;
      const b0 = pb[ib]!, b1 = pb[ib + 1]!, b2 = pb[ib + 2]!, b3 = pb[ib + 3]!;
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      ia += 4;
      ib += 4;
    }
    const j0 = jp * 4;
    const p = cOff + i0 * N + j0;
    if (rows === 4 && j0 + 4 <= N) {
      c[p]! += c00; c[p + 1]! += c01; c[p + 2]! += c02; c[p + 3]! += c03;
      c[p + N]! += c10; c[p + N + 1]! += c11; c[p + N + 2]! += c12; c[p + N + 3]! += c13;
      c[p + 2 * N]! += c20; c[p + 2 * N + 1]! += c21; c[p + 2 * N + 2]! += c22; c[p + 2 * N + 3]! += c23;
      c[p + 3 * N]! += c30; c[p + 3 * N + 1]! += c31; c[p + 3 * N + 2]! += c32; c[p + 3 * N + 3]! += c33;
    } else {
      const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      const cols = Math.min(4, N - j0);
      for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) c[p + r * N + q]! += block[r * 4 + q]!;
    }
  }
}

/** C (M x N, zero-initialised) += op(A) (M x K) * op(B) (K x N). */
export function gemm(a: A, aOff: number, transA: boolean, b: A, bOff: number, transB: boolean, c: A, cOff: number, M: number, N: number, K: number): void {
  const kcMax = Math.min(KC, K);
  const wide = c instanceof Float32Array;
  const pa: Packed = wide ? new Float32Array(4 * kcMax) : new Float64Array(4 * kcMax);
  const pb: Packed = wide ? new Float32Array(Math.ceil(N / 4) * 4 * kcMax) : new Float64Array(Math.ceil(N / 4) * 4 * kcMax);
  for (let p0 = 0; p0 < K; p0 += KC) {
    const kc = Math.min(KC, K - p0);
    packB(b, bOff, transB, N, K, p0, kc, pb);
    for (let i0 = 0; i0 < M; i0 += 4) {
      packA(a, aOff, transA, M, K, i0, p0, kc, pa);
      microKernels(pa, pb, kc, c, cOff, N, Math.min(4, M - i0), i0);
    }
  }
}

/** Offsets (in matrices) of an operand with batch dims `own` for every index of the broadcast batch shape (shared by backends' matmul kernels). */
export function batchOffsets(batch: readonly number[], own: readonly number[]): Int32Array {
  const total = sizeOf(batch);
  const offsets = new Int32Array(total);
  const ownStrides = stridesOf(own);
  const lead = batch.length - own.length;
  const idx = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < total; t++) {
    let off = 0;
    for (let d = lead; d < batch.length; d++) if (own[d - lead] !== 1) off += idx[d]! * ownStrides[d - lead]!;
    offsets[t] = off;
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d]! < batch[d]!) break;
      idx[d] = 0;
    }
  }
  return offsets;
}

const matmulKernel = (): KernelDef => cpuKernel(linalgOps.matmul, ([a, b], { transposeA, transposeB }, { outputs }) => {
  const out = outputs[0]!;
  const c = allocArray(out.dtype, sizeOf(out.shape));
  const ra = a!.shape.length, rb = b!.shape.length, rc = out.shape.length;
  const M = out.shape[rc - 2]!, N = out.shape[rc - 1]!;
  const K = transposeA ? a!.shape[ra - 2]! : a!.shape[ra - 1]!;
  const batch = out.shape.slice(0, -2);
  const aOffsets = batchOffsets(batch, a!.shape.slice(0, -2));
  const bOffsets = batchOffsets(batch, b!.shape.slice(0, -2));
  const av = a!.data, bv = b!.data;
  for (let t = 0; t < aOffsets.length; t++) {
    gemm(av, aOffsets[t]! * M * K, transposeA, bv, bOffsets[t]! * K * N, transposeB, c, t * M * N, M, N, K);
  }
  return [c];
});

/** cpu kernels of the linear-algebra ops. */
export function linalgKernels(): KernelDef[] {
  return [matmulKernel()];
}
