/**
 * Pieces of WGSL the kernels share: buffer declarations in the binding order
 * `dispatch` uses, and the float constants WGSL has no literal for.
 * @module
 */

/**
 * Declarations of the bound buffers: inputs `in0, in1, ...` (read-only),
 * outputs `out0, ...` (`atomic<...>` element types allowed), and, when
 * `params` is true, the parameters `p` last. Element types are WGSL names.
 */
export function declare(inputs: readonly string[], outputs: readonly string[], params = true): string {
  const lines = inputs.map((t, k) => `@group(0) @binding(${k}) var<storage, read> in${k}: array<${t}>;`);
  outputs.forEach((t, k) => lines.push(`@group(0) @binding(${inputs.length + k}) var<storage, read_write> out${k}: array<${t}>;`));
  if (params) lines.push(`@group(0) @binding(${inputs.length + outputs.length}) var<storage, read> p: array<u32>;`);
  return lines.join('\n');
}

/** WGSL functions every float kernel may call: NaN and infinity, and `pow` with the sign rules of `Math.pow`. */
export const FLOAT_HELPERS = `
// Private variables, not literals: WGSL rejects NaN and infinity in constant expressions.
var<private> nanBits: u32 = 0x7fc00000u;
var<private> infBits: u32 = 0x7f800000u;
fn nan_() -> f32 { return bitcast<f32>(nanBits); }
fn inf_() -> f32 { return bitcast<f32>(infBits); }
fn isnan_(x: f32) -> bool { return x != x; }
fn pow_(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (isnan_(x) || isnan_(y)) { return nan_(); }
  if (x == 0.0) { return select(0.0, inf_(), y < 0.0); }
  let r = exp2(y * log2(abs(x)));
  if (x < 0.0) {
    if (floor(y) != y) { return nan_(); }
    if (fract(y * 0.5) != 0.0) { return -r; }
  }
  return r;
}
// sin and cos to float32 accuracy (WGSL allows GPUs an absolute error of 2^-11):
// reduce to r in [-pi/4, pi/4] around a multiple q of pi/2 (pi/2 split in three
// parts, so the reduction is exact far from 0), then the Taylor polynomials.
fn sinPoly(r: f32) -> f32 { let z = r * r; return r + r * z * (-1.6666667e-1 + z * (8.3333333e-3 + z * (-1.9841270e-4 + z * 2.7557319e-6))); }
fn cosPoly(r: f32) -> f32 { let z = r * r; return 1.0 + z * (-0.5 + z * (4.1666667e-2 + z * (-1.3888889e-3 + z * 2.4801587e-5))); }
fn quadrant(x: f32) -> vec2<f32> {
  let q = round(x * 0.63661977);
  let r = ((x - q * 1.5703125) - q * 4.8375129699707031e-4) - q * 7.5497899548918821e-8;
  return vec2<f32>(q, r);
}
fn sin_(x: f32) -> f32 {
  let qr = quadrant(x);
  let k = i32(qr.x) & 3;
  let s = select(cosPoly(qr.y), sinPoly(qr.y), (k & 1) == 0);
  return select(s, -s, k >= 2);
}
fn cos_(x: f32) -> f32 {
  let qr = quadrant(x);
  let k = i32(qr.x) & 3;
  let c = select(sinPoly(qr.y), cosPoly(qr.y), (k & 1) == 0);
  return select(c, -c, k == 1 || k == 2);
}`;
