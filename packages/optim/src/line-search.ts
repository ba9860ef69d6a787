/**
 * The strong-Wolfe line search that {@link LBFGS} uses (Nocedal and Wright,
 * Numerical Optimization, algorithms 3.5 and 3.6, in the form of minFunc and
 * PyTorch): bracket a step that satisfies both Wolfe conditions, then zoom
 * in by safeguarded cubic interpolation.
 * @module
 */

/** A flat float64 vector (all parameters or gradients laid end to end). */
export type Vec = Float64Array;

/** x·y. */
export function dot(x: Vec, y: Vec): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/** max |x_i| (0 for an empty vector). */
export function maxAbs(x: Vec): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1
 * and g2, clamped to `bounds` (default: between x1 and x2); the middle of
 * the bounds when the cubic has no minimum.
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: readonly [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const minimum = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(minimum, lo), hi);
}

/** The loss and flat gradient at x + t·d. */
export type DirectionalObjective = (t: number) => { loss: number; grad: Vec };

/** What the line search found. */
export interface LineSearchResult {
  /** The accepted step. */
  t: number;
  loss: number;
  grad: Vec;
  /** Function evaluations it used. */
  evals: number;
}

/** Options of {@link strongWolfe}. */
export interface StrongWolfeOptions {
  /** Sufficient decrease (Armijo) constant; default 1e-4. */
  c1?: number;
  /** Curvature constant; default 0.9. */
  c2?: number;
  /** Stop zooming when the bracket times max|d| is below this; default 1e-9. */
  toleranceChange?: number;
  /** Evaluations at most; default 25. */
  maxEvals?: number;
}

/** One evaluated point of the line: step, loss, gradient and slope g·d. */
interface Point {
  t: number;
  f: number;
  g: Vec;
  slope: number;
}

/**
 * Searches along d from a point with loss `f0`, gradient `g0` and slope
 * `slope0` = g0·d < 0, starting at step `t`, for a step where
 * f(t) ≤ f0 + c1·t·slope0 and |f'(t)| ≤ −c2·slope0.
 */
export function strongWolfe(phi: DirectionalObjective, d: Vec, t: number, f0: number, g0: Vec, slope0: number, options: StrongWolfeOptions = {}): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxEvals = 25 } = options;
  const dNorm = maxAbs(d);
  const at = (step: number): Point => {
    const { loss, grad } = phi(step);
    return { t: step, f: loss, g: grad, slope: dot(grad, d) };
  };
  const armijoFails = (p: Point) => p.f > f0 + c1 * p.t * slope0;
  const curvatureHolds = (p: Point) => Math.abs(p.slope) <= -c2 * slope0;

  // Bracketing: grow the step until an interval must hold an acceptable one.
  let current = at(t);
  let evals = 1;
  let previous: Point = { t: 0, f: f0, g: g0, slope: slope0 };
  let bracket: [Point, Point] | null = null;
  let iter = 0;
  for (; iter < maxEvals; iter++) {
    if (armijoFails(current) || (iter > 1 && current.f >= previous.f)) {
      bracket = [previous, current];
      break;
    }
    if (curvatureHolds(current)) return { t: current.t, loss: current.f, grad: current.g, evals };
    if (current.slope >= 0) {
      bracket = [previous, current];
      break;
    }
    const next = cubicInterpolate(previous.t, previous.f, previous.slope, current.t, current.f, current.slope, [current.t + 0.01 * (current.t - previous.t), current.t * 10]);
    previous = current;
    current = at(next);
    evals++;
  }
  // Out of evaluations while bracketing: take the better end of [0, t].
  if (bracket === null) {
    const start = { t: 0, f: f0, g: g0, slope: slope0 };
    const best = start.f <= current.f ? start : current;
    return { t: best.t, loss: best.f, grad: best.g, evals };
  }

  // Zoom: shrink the bracket, keeping `low` the end with the lower loss.
  let low = bracket[0].f <= bracket[1].f ? 0 : 1;
  let insufficientProgress = false;
  for (; iter < maxEvals; iter++) {
    const [a, b] = bracket;
    if (Math.abs(b.t - a.t) * dNorm < toleranceChange) break;
    let trial = cubicInterpolate(a.t, a.f, a.slope, b.t, b.f, b.slope);
    // Keep the trial at least a tenth of the bracket from its ends when the
    // last one made too little progress, or when it falls on an end.
    const hi = Math.max(a.t, b.t), lo = Math.min(a.t, b.t), margin = 0.1 * (hi - lo);
    if (Math.min(hi - trial, trial - lo) < margin) {
      if (insufficientProgress || trial >= hi || trial <= lo) {
        trial = Math.abs(trial - hi) < Math.abs(trial - lo) ? hi - margin : lo + margin;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    const p = at(trial);
    evals++;
    const high = 1 - low;
    if (armijoFails(p) || p.f >= bracket[low]!.f) {
      bracket[high] = p;
      low = bracket[0].f <= bracket[1].f ? 0 : 1;
    } else {
      if (curvatureHolds(p)) {
        bracket[low] = p;
        break;
      }
      if (p.slope * (bracket[high]!.t - bracket[low]!.t) >= 0) bracket[high] = bracket[low]!;
      bracket[low] = p;
    }
  }
  const best = bracket[low]!;
  return { t: best.t, loss: best.f, grad: best.g, evals };
}
