/**
 * The error function, to double precision, for the GELU kernels.
 * @module
 */

/**
 * erf(x): the Maclaurin series for |x| < 0.5, and 1 − erfc(|x|) from the
 * continued fraction of erfc beyond, both accurate to about 1e-13 or better,
 * so gradient checks in float64 stay meaningful.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    // Maclaurin series: 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)), converges fast here.
    let term = x, sum = x;
    const x2 = x * x;
    for (let n = 1; n < 30; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  return x >= 0 ? 1 - erfc(ax) : erfc(ax) - 1;
}

/** erfc(x) for x >= 0.5 by its continued fraction (Lentz), accurate to ~1e-15. */
function erfc(x: number): number {
  if (x > 27) return 0;
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}
