// Products with very few rows of op(A) (batch-1 inference, say): packing
// B would cost more than the product, so these read B where it lies.
// transB: each output is a contiguous dot product; otherwise each output
// row is a sum of rows of B scaled by A's entries.

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// c[j] (+)= dot(x, B[j, :]) for j in [n0, n1), B row-major N x K.
function dotRows(x: usize, b: usize, c: usize, K: i32, n0: i32, n1: i32, accumulate: bool): void {
  const rowBytes = <usize>K << 2;
  let j = n0;
  for (; j + 4 <= n1; j += 4) {
    const b0 = b + <usize>j * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let k = 0;
    // Two sums per row, over alternate vectors: the adds of one chain wait
    // on each other, so one chain per row would leave the units idle.
    let t0 = f32x4.splat(0), t1 = f32x4.splat(0), t2 = f32x4.splat(0), t3 = f32x4.splat(0);
    for (; k + 8 <= K; k += 8) {
      const off = <usize>k << 2;
      const xv = v128.load(x + off), xw = v128.load(x + off, 16);
      s0 = f32x4.add(s0, f32x4.mul(xv, v128.load(b0 + off)));
      s1 = f32x4.add(s1, f32x4.mul(xv, v128.load(b1 + off)));
      s2 = f32x4.add(s2, f32x4.mul(xv, v128.load(b2 + off)));
      s3 = f32x4.add(s3, f32x4.mul(xv, v128.load(b3 + off)));
      t0 = f32x4.add(t0, f32x4.mul(xw, v128.load(b0 + off, 16)));
      t1 = f32x4.add(t1, f32x4.mul(xw, v128.load(b1 + off, 16)));
      t2 = f32x4.add(t2, f32x4.mul(xw, v128.load(b2 + off, 16)));
      t3 = f32x4.add(t3, f32x4.mul(xw, v128.load(b3 + off, 16)));
    }
    s0 = f32x4.add(s0, t0); s1 = f32x4.add(s1, t1); s2 = f32x4.add(s2, t2); s3 = f32x4.add(s3, t3);
    for (; k + 4 <= K; k += 4) {
      const off = <usize>k << 2;
      const xv = v128.load(x + off);
      s0 = f32x4.add(s0, f32x4.mul(xv, v128.load(b0 + off)));
      s1 = f32x4.add(s1, f32x4.mul(xv, v128.load(b1 + off)));
      s2 = f32x4.add(s2, f32x4.mul(xv, v128.load(b2 + off)));
      s3 = f32x4.add(s3, f32x4.mul(xv, v128.load(b3 + off)));
    }
    let r0 = hsum(s0), r1 = hsum(s1), r2 = hsum(s2), r3 = hsum(s3);
    for (; k < K; k++) {
      const off = <usize>k << 2;
      const xv = load<f32>(x + off);
      r0 += xv * load<f32>(b0 + off);
      r1 += xv * load<f32>(b1 + off);
      r2 += xv * load<f32>(b2 + off);
      r3 += xv * load<f32>(b3 + off);
    }
    const cp = c + (<usize>j << 2);
    if (accumulate) {
      r0 += load<f32>(cp); r1 += load<f32>(cp, 4); r2 += load<f32>(cp, 8); r3 += load<f32>(cp, 12);
    }
    store<f32>(cp, r0); store<f32>(cp, r1, 4); store<f32>(cp, r2, 8); store<f32>(cp, r3, 12);
  }
  for (; j < n1; j++) {
    const bj = b + <usize>j * rowBytes;
    let s = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= K; k += 4) s = f32x4.add(s, f32x4.mul(v128.load(x + (<usize>k << 2)), v128.load(bj + (<usize>k << 2))));
    let r = hsum(s);
    for (; k < K; k++) r += load<f32>(x + (<usize>k << 2)) * load<f32>(bj + (<usize>k << 2));
    const cp = c + (<usize>j << 2);
    store<f32>(cp, accumulate ? load<f32>(cp) + r : r);
  }
}

// c[n0:n1] (+)= Σ_k x[k] · B[k, n0:n1], B row-major K x N, in chunks of 16 columns held in registers.
function axpyRows(x: usize, b: usize, c: usize, N: i32, K: i32, n0: i32, n1: i32, accumulate: bool): void {
  const rowBytes = <usize>N << 2;
  let j = n0;
  for (; j + 16 <= n1; j += 16) {
    const cp = c + (<usize>j << 2);
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    if (accumulate) {
      s0 = v128.load(cp); s1 = v128.load(cp, 16); s2 = v128.load(cp, 32); s3 = v128.load(cp, 48);
    }
    let bp = b + (<usize>j << 2);
    for (let k = 0; k < K; k++, bp += rowBytes) {
      const xv = v128.load32_splat(x + (<usize>k << 2));
      s0 = f32x4.add(s0, f32x4.mul(xv, v128.load(bp)));
      s1 = f32x4.add(s1, f32x4.mul(xv, v128.load(bp, 16)));
      s2 = f32x4.add(s2, f32x4.mul(xv, v128.load(bp, 32)));
      s3 = f32x4.add(s3, f32x4.mul(xv, v128.load(bp, 48)));
    }
    v128.store(cp, s0); v128.store(cp, s1, 16); v128.store(cp, s2, 32); v128.store(cp, s3, 48);
  }
  for (; j < n1; j++) {
    let r: f32 = 0;
    let bp = b + (<usize>j << 2);
    for (let k = 0; k < K; k++, bp += rowBytes) r += load<f32>(x + (<usize>k << 2)) * load<f32>(bp);
    const cp = c + (<usize>j << 2);
    store<f32>(cp, accumulate ? load<f32>(cp) + r : r);
  }
}

/**
 * C[0:M, n0:n1] (+)= op(A) · op(B) for small M, without packing. Rows of
 * op(A) are gathered into `scratch` (K floats) when A is transposed.
 */
export function gemmFewRows(a: usize, transA: bool, b: usize, transB: bool, c: usize, M: i32, N: i32, K: i32, n0: i32, n1: i32, scratch: usize, accumulate: bool): void {
  for (let i = 0; i < M; i++) {
    let x = a + (<usize>(i * K) << 2);
    if (transA) {
      for (let k = 0; k < K; k++) store<f32>(scratch + (<usize>k << 2), load<f32>(a + (<usize>(k * M + i) << 2)));
      x = scratch;
    }
    const ci = c + (<usize>(i * N) << 2);
    if (transB) dotRows(x, b, ci, K, n0, n1, accumulate);
    else axpyRows(x, b, ci, N, K, n0, n1, accumulate);
  }
}
