/**
 * The error function, for the GELU kernels: an exact-to-double version for
 * float64 (gradient checks) and a fast one for float32.
 * @module
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) to about 1e-14: the Maclaurin series for |x| < 2.5, and
 * 1 − erfc(|x|) from erfc's continued fraction beyond (where it converges
 * in a few dozen steps).
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x, sum = x;
    const x2 = x * x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))), evaluated by Lentz's method.
  let f = ax, c = ax, d = 0;
  for (let n = 1; n < 200; n++) {
    d = 1 / (ax + (n / 2) * d);
    c = ax + n / 2 / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  return x > 0 ? 1 - erfc : erfc - 1;
}

/**
 * erf(x) with relative error below 1.2e-7 (the Chebyshev-fitted erfc of
 * Press et al., "Numerical Recipes", §6.2): ample for float32, and fast.
 */
export function erfFast(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}
