// Vector transcendental functions for f32x4. exp is a range reduction to
// [-ln2/2, ln2/2] and a degree-6 polynomial (relative error about 2e-7);
// tanh and sigmoid are built on it.

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const hi = f32x4.splat(88.7228391);
  const lo = f32x4.splat(-87.3365479);
  const overflow = f32x4.gt(x, hi);
  const underflow = f32x4.lt(x, lo);
  const xc = f32x4.max(f32x4.min(x, hi), lo);
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  // 2^n, built in two halves so that n = 128 (x just below the overflow bound) stays finite.
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  let y = f32x4.mul(f32x4.mul(p, s1), s2);
  y = v128.bitselect(f32x4.splat(Infinity), y, overflow);
  y = v128.bitselect(f32x4.splat(0), y, underflow);
  return y;
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

// tanh(x) = sign(x) (1 - 2 / (e^{2|x|} + 1)); below |x| = 0.01 the odd
// Taylor polynomial keeps the relative error small.
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const e = vexp(f32x4.add(ax, ax));
  const one = f32x4.splat(1);
  let t = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  const x2 = f32x4.mul(x, x);
  const small = f32x4.mul(ax, f32x4.sub(one, f32x4.mul(x2, f32x4.splat(1.0 / 3.0))));
  t = v128.bitselect(small, t, f32x4.lt(ax, f32x4.splat(0.01)));
  // copy the sign of x (and NaN through the payload of ax)
  const signBit = v128.and(x, i32x4.splat(0x80000000));
  return v128.or(t, signBit);
}
