// Batch normalisation in training, x viewed as [N, C, S]: each call does
// the channels [c0, c1), whose N runs of S floats stay in cache between
// its passes. Sums go through f32x4 lanes within a run and f64 across runs.

// @ts-ignore: decorator
@inline function lanes(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** Σ p[i] − m over a run of n floats (m = 0: the plain sum). */
function runSum(p: usize, n: i32, m: f32): f64 {
  const vm = f32x4.splat(m);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const q = p + (<usize>i << 2);
    a0 = f32x4.add(a0, f32x4.sub(v128.load(q), vm));
    a1 = f32x4.add(a1, f32x4.sub(v128.load(q, 16), vm));
  }
  let s = lanes(f32x4.add(a0, a1));
  for (; i < n; i++) s += <f64>(load<f32>(p + (<usize>i << 2)) - m);
  return s;
}

/** Σ (p[i] − mp)(q[i] − mq) over a run of n floats. */
function runDot(p: usize, mp: f32, q: usize, mq: f32, n: i32): f64 {
  const vp = f32x4.splat(mp), vq = f32x4.splat(mq);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    a0 = f32x4.add(a0, f32x4.mul(f32x4.sub(v128.load(p + o), vp), f32x4.sub(v128.load(q + o), vq)));
    a1 = f32x4.add(a1, f32x4.mul(f32x4.sub(v128.load(p + o, 16), vp), f32x4.sub(v128.load(q + o, 16), vq)));
  }
  let s = lanes(f32x4.add(a0, a1));
  for (; i < n; i++) {
    const o = <usize>i << 2;
    s += <f64>((load<f32>(p + o) - mp) * (load<f32>(q + o) - mq));
  }
  return s;
}

/** o[i] = a·p[i] + b over a run. */
function runAffine(p: usize, o: usize, n: i32, a: f32, b: f32): void {
  const va = f32x4.splat(a), vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i << 2;
    v128.store(o + k, f32x4.add(f32x4.mul(v128.load(p + k), va), vb));
  }
  for (; i < n; i++) {
    const k = <usize>i << 2;
    store<f32>(o + k, load<f32>(p + k) * a + b);
  }
}

/** o[i] = a·p[i] + b·q[i] + c over a run. */
function runAffine2(p: usize, q: usize, o: usize, n: i32, a: f32, b: f32, c: f32): void {
  const va = f32x4.splat(a), vb = f32x4.splat(b), vc = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i << 2;
    v128.store(o + k, f32x4.add(f32x4.add(f32x4.mul(v128.load(p + k), va), f32x4.mul(v128.load(q + k), vb)), vc));
  }
  for (; i < n; i++) {
    const k = <usize>i << 2;
    store<f32>(o + k, load<f32>(p + k) * a + load<f32>(q + k) * b + c);
  }
}

// @ts-ignore: decorator
@inline function run(base: usize, n: i32, C: i32, c: i32, S: i32): usize {
  return base + ((<usize>(n * C + c) * <usize>S) << 2);
}

/** y = (x − mean)/√(var + eps)·w + b with the batch's mean and biased variance, which it writes. */
export function batchNormForward(x: usize, w: usize, b: usize, y: usize, mean: usize, variance: usize, N: i32, C: i32, S: i32, eps: f64, c0: i32, c1: i32): void {
  const M = <f64>N * <f64>S;
  for (let c = c0; c < c1; c++) {
    let s: f64 = 0;
    for (let n = 0; n < N; n++) s += runSum(run(x, n, C, c, S), S, 0);
    const m = <f32>(s / M);
    let q: f64 = 0;
    for (let n = 0; n < N; n++) {
      const p = run(x, n, C, c, S);
      q += runDot(p, m, p, m, S);
    }
    const v = q / M;
    const scale = <f64>load<f32>(w + (<usize>c << 2)) / Math.sqrt(v + eps);
    const shift = <f64>load<f32>(b + (<usize>c << 2)) - <f64>m * scale;
    for (let n = 0; n < N; n++) runAffine(run(x, n, C, c, S), run(y, n, C, c, S), S, <f32>scale, <f32>shift);
    store<f32>(mean + (<usize>c << 2), m);
    store<f32>(variance + (<usize>c << 2), <f32>v);
  }
}

/**
 * dx, dw and db from dy and the cotangents of the statistics (see the
 * composite in @nn/tensor): dx = w·s·dy + slope·(x − mean) + offset.
 */
export function batchNormBackward(dy: usize, x: usize, mean: usize, variance: usize, w: usize, dmean: usize, dvariance: usize, dx: usize, dw: usize, db: usize, N: i32, C: i32, S: i32, eps: f64, c0: i32, c1: i32): void {
  const M = <f64>N * <f64>S;
  for (let c = c0; c < c1; c++) {
    const k = <usize>c << 2;
    const m = load<f32>(mean + k);
    const s = 1 / Math.sqrt(<f64>load<f32>(variance + k) + eps);
    const ws = <f64>load<f32>(w + k) * s;
    let sumDy: f64 = 0, sumDyX: f64 = 0;
    for (let n = 0; n < N; n++) {
      const g = run(dy, n, C, c, S);
      sumDy += runSum(g, S, 0);
      sumDyX += runDot(run(x, n, C, c, S), m, g, 0, S);
    }
    const slope = (2 * <f64>load<f32>(dvariance + k) - ws * s * s * sumDyX) / M;
    const offset = (<f64>load<f32>(dmean + k) - ws * sumDy) / M;
    // dx = ws·dy + slope·x + (offset − slope·mean)
    for (let n = 0; n < N; n++) runAffine2(run(dy, n, C, c, S), run(x, n, C, c, S), run(dx, n, C, c, S), S, <f32>ws, <f32>slope, <f32>(offset - slope * <f64>m));
    store<f32>(dw + k, <f32>(sumDyX * s));
    store<f32>(db + k, <f32>sumDy);
  }
}
