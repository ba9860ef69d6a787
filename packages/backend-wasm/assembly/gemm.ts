// Single-precision GEMM: C = op(A) · op(B), packed panels and a 4x8 register
// tile of f32x4 (Goto's loop order). Why 4x8: V8 maps wasm SIMD onto the 16
// SSE registers; 8 accumulators + 2 B vectors + 1 splat of A leave headroom,
// while a larger tile spills. The micro-kernel is inlined: a call per tile
// costs about 12%.
import { packImage } from './pack-image';

/** Depth of a K block: a 4 x KC panel of A and a KC x 8 panel of B stay in L1. */
export const KC: i32 = 256;
/** Rows of A packed at once (an MC x KC block stays in L2). */
export const MC: i32 = 128;
/** Columns of B packed at once (a KC x NC block stays in L2/L3). */
export const NC: i32 = 512;
/** Bytes of scratch one gemm call needs: packed A, packed B and an edge tile. */
export const GEMM_SCRATCH_BYTES: i32 = (MC * KC + KC * NC + 32) * 4;

// Stores the 4x4 transpose of rows r0..r3 (4 floats each) as 4 vectors at
// dst, dst + step, dst + 2 step, dst + 3 step.
// @ts-ignore: decorator
@inline function storeTransposed4x4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + step, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * step, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

// Packs rows [i0, i0 + mc) of op(A), depth [p0, p0 + kc), as panels of 4 rows:
// pa[(panel * kc + k) * 4 + r]; rows past `iEnd` are zero.
function packA(a: usize, transA: bool, M: i32, K: i32, i0: i32, iEnd: i32, mc: i32, p0: i32, kc: i32, pa: usize): void {
  const panels = (mc + 3) >> 2;
  for (let ip = 0; ip < panels; ip++) {
    const base = pa + (<usize>(ip * kc) << 4);
    const i = i0 + ip * 4;
    if (i + 4 <= iEnd) {
      // A whole panel: four rows at a time, with SIMD.
      if (transA) {
        let src = a + ((<usize>p0 * <usize>M + <usize>i) << 2);
        const step = <usize>M << 2;
        for (let k = 0; k < kc; k++, src += step) v128.store(base + (<usize>k << 4), v128.load(src));
        continue;
      }
      const row = <usize>K << 2;
      const src = a + ((<usize>i * <usize>K + <usize>p0) << 2);
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = src + (<usize>k << 2);
        storeTransposed4x4(v128.load(p), v128.load(p + row), v128.load(p + 2 * row), v128.load(p + 3 * row), base + (<usize>k << 4), 16);
      }
      for (; k < kc; k++) {
        for (let r = 0; r < 4; r++) store<f32>(base + (<usize>(k * 4 + r) << 2), load<f32>(src + <usize>r * row + (<usize>k << 2)));
      }
      continue;
    }
    for (let r = 0; r < 4; r++) {
      const i = i0 + ip * 4 + r;
      let dst = base + (<usize>r << 2);
      if (i >= iEnd) {
        for (let k = 0; k < kc; k++, dst += 16) store<f32>(dst, 0);
      } else if (transA) {
        let src = a + ((<usize>p0 * <usize>M + <usize>i) << 2);
        const step = <usize>M << 2;
        for (let k = 0; k < kc; k++, dst += 16, src += step) store<f32>(dst, load<f32>(src));
      } else {
        let src = a + ((<usize>i * <usize>K + <usize>p0) << 2);
        for (let k = 0; k < kc; k++, dst += 16, src += 4) store<f32>(dst, load<f32>(src));
      }
    }
  }
}

// Packs columns [j0, j0 + nc) of op(B), depth [p0, p0 + kc), as panels of 8
// columns: pb[(panel * kc + k) * 8 + c]; columns past `jEnd` are zero.
function packB(b: usize, transB: bool, N: i32, K: i32, j0: i32, jEnd: i32, nc: i32, p0: i32, kc: i32, pb: usize): void {
  const panels = (nc + 7) >> 3;
  for (let jp = 0; jp < panels; jp++) {
    const j = j0 + jp * 8;
    let dst = pb + (<usize>(jp * kc) << 5);
    if (transB && j + 8 <= jEnd) {
      // op(B) columns are rows of B: transpose 4x4 blocks of two groups of four rows.
      const row = <usize>K << 2;
      const src = b + ((<usize>j * <usize>K + <usize>p0) << 2);
      const src4 = src + 4 * row;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = src + (<usize>k << 2), q = src4 + (<usize>k << 2);
        const d = dst + (<usize>k << 5);
        storeTransposed4x4(v128.load(p), v128.load(p + row), v128.load(p + 2 * row), v128.load(p + 3 * row), d, 32);
        storeTransposed4x4(v128.load(q), v128.load(q + row), v128.load(q + 2 * row), v128.load(q + 3 * row), d + 16, 32);
      }
      for (; k < kc; k++) {
        for (let c = 0; c < 8; c++) store<f32>(dst + (<usize>(k * 8 + c) << 2), load<f32>(src + <usize>c * row + (<usize>k << 2)));
      }
      continue;
    }
    if (!transB && j + 8 <= jEnd) {
      let src = b + ((<usize>p0 * <usize>N + <usize>j) << 2);
      const step = <usize>N << 2;
      for (let k = 0; k < kc; k++, dst += 32, src += step) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
      continue;
    }
    for (let c = 0; c < 8; c++) {
      let d = dst + (<usize>c << 2);
      if (j + c >= jEnd) {
        for (let k = 0; k < kc; k++, d += 32) store<f32>(d, 0);
      } else if (transB) {
        let src = b + ((<usize>(j + c) * <usize>K + <usize>p0) << 2);
        for (let k = 0; k < kc; k++, d += 32, src += 4) store<f32>(d, load<f32>(src));
      } else {
        let src = b + ((<usize>p0 * <usize>N + <usize>(j + c)) << 2);
        const step = <usize>N << 2;
        for (let k = 0; k < kc; k++, d += 32, src += step) store<f32>(d, load<f32>(src));
      }
    }
  }
}

// a · b + c: one fused multiply-add where relaxed SIMD is compiled in (the
// build makes a variant with it), else a multiply and an add.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// c[4 x 8] (row stride ldc floats) = (accumulate ? c : 0) + pa-panel · pb-panel.
// With `twoRows` (a literal), only rows 0 and 1: the last one or two rows of
// an M that is not a multiple of four, without computing the padding rows.
// @ts-ignore: decorator
@inline function microKernel(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, accumulate: bool, twoRows: bool = false): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    if (!twoRows) {
      a = v128.load32_splat(pa, 8);
      c20 = madd(a, b0, c20);
      c21 = madd(a, b1, c21);
      a = v128.load32_splat(pa, 12);
      c30 = madd(a, b0, c30);
      c31 = madd(a, b1, c31);
    }
    pa += 16;
    pb += 32;
  }
  const row = <usize>ldc << 2;
  if (twoRows) {
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c + row, c10);
    v128.store(c + row, c11, 16);
    return;
  }
  if (accumulate) {
    v128.store(c, f32x4.add(v128.load(c), c00));
    v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
    c += row;
    v128.store(c, f32x4.add(v128.load(c), c10));
    v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
    c += row;
    v128.store(c, f32x4.add(v128.load(c), c20));
    v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
    c += row;
    v128.store(c, f32x4.add(v128.load(c), c30));
    v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
  } else {
    v128.store(c, c00);
    v128.store(c, c01, 16);
    c += row;
    v128.store(c, c10);
    v128.store(c, c11, 16);
    c += row;
    v128.store(c, c20);
    v128.store(c, c21, 16);
    c += row;
    v128.store(c, c30);
    v128.store(c, c31, 16);
  }
}

// The blocked loops (Goto's order). B comes from memory (packB) or, when `im`
// is set, straight from a padded image (packImage, for convolution).
// @ts-ignore: decorator
@inline function blocked(a: usize, transA: bool, b: usize, transB: bool, c: usize, M: i32, N: i32, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize, accumulate: bool, im: usize): void {
  if (m1 <= m0 || n1 <= n0) return;
  if (K == 0) {
    if (accumulate) return;
    for (let i = m0; i < m1; i++) memory.fill(c + ((<usize>i * <usize>N + <usize>n0) << 2), 0, <usize>(n1 - n0) << 2);
    return;
  }
  const pa = scratch;
  const pb = pa + (<usize>(MC * KC) << 2);
  const tile = pb + (<usize>(KC * NC) << 2);
  for (let j0 = n0; j0 < n1; j0 += NC) {
    const nc = min(NC, n1 - j0);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const kc = min(KC, K - p0);
      const add = accumulate || p0 > 0;
      if (im != 0) packImage(b, im, j0, n1, nc, p0, kc, pb);
      else packB(b, transB, N, K, j0, n1, nc, p0, kc, pb);
      for (let i0 = m0; i0 < m1; i0 += MC) {
        const mc = min(MC, m1 - i0);
        packA(a, transA, M, K, i0, m1, mc, p0, kc, pa);
        for (let jr = 0; jr < nc; jr += 8) {
          const cols = min(8, nc - jr);
          const pbPanel = pb + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += 4) {
            const rows = min(4, mc - ir);
            const paPanel = pa + (<usize>(ir * kc) << 2);
            const cp = c + ((<usize>(i0 + ir) * <usize>N + <usize>(j0 + jr)) << 2);
            if (rows == 4 && cols == 8) {
              microKernel(paPanel, pbPanel, kc, cp, N, add);
            } else {
              if (rows <= 2) microKernel(paPanel, pbPanel, kc, tile, 8, false, true);
              else microKernel(paPanel, pbPanel, kc, tile, 8, false);
              storeTile(tile, cp, N, rows, cols, add);
            }
          }
        }
      }
    }
  }
}

// Copies the first rows x cols of a 4x8 edge tile to C (adding with `add`);
// whole rows of eight go as two vectors.
// @ts-ignore: decorator
@inline function storeTile(tile: usize, cp: usize, N: i32, rows: i32, cols: i32, add: bool): void {
  for (let r = 0; r < rows; r++) {
    const dst = cp + (<usize>r * <usize>N << 2), src = tile + (<usize>r << 5);
    if (cols == 8) {
      v128.store(dst, add ? f32x4.add(v128.load(dst), v128.load(src)) : v128.load(src));
      v128.store(dst, add ? f32x4.add(v128.load(dst, 16), v128.load(src, 16)) : v128.load(src, 16), 16);
      continue;
    }
    for (let q = 0; q < cols; q++) {
      const d = dst + (<usize>q << 2);
      const v = load<f32>(src + (<usize>q << 2));
      store<f32>(d, add ? load<f32>(d) + v : v);
    }
  }
}

/**
 * C[m0:m1, n0:n1] = op(A) · op(B), where op(A) is M x K (A stored K x M when
 * transA) and op(B) is K x N (B stored N x K when transB); C is M x N, row
 * major. `scratch` holds GEMM_SCRATCH_BYTES, private to the calling thread.
 * With `accumulate`, C += op(A) · op(B).
 * Threads split [m0, m1) or [n0, n1) between them.
 */
export function gemm(a: usize, transA: bool, b: usize, transB: bool, c: usize, M: i32, N: i32, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize, accumulate: bool): void {
  blocked(a, transA, b, transB, c, M, N, K, m0, m1, n0, n1, scratch, accumulate, 0);
}

/**
 * C[m0:m1, n0:n1] = A · B for a convolution: A the M x K filters, B the
 * K x N taps of the padded image `xp` described by `im` (pack-image.ts).
 */
export function gemmImage(a: usize, xp: usize, im: usize, c: usize, M: i32, N: i32, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize): void {
  blocked(a, false, xp, false, c, M, N, K, m0, m1, n0, n1, scratch, false, im);
}
