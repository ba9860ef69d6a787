/**
 * The Mackey-Glass delay differential equation, the classic benchmark of
 * echo state networks (Jaeger and Haas, Science 2004):
 *   dx/dt = β·x(t − τ) / (1 + x(t − τ)ⁿ) − γ·x(t),   β = 0.2, γ = 0.1, n = 10,
 * chaotic for τ = 17.
 * @module
 */
import { tensor, type Tensor, ValueError } from '@nn/tensor';

/** Options of {@link mackeyGlass}. */
export interface MackeyGlassOptions {
  /** The delay τ (default 17: chaotic). */
  tau?: number;
  /** Integration steps per unit of time (default 10). */
  substeps?: number;
  /** Samples dropped first, so the series starts on the attractor (default 1,000). */
  transient?: number;
  /** x on [−τ, 0] (default 1.2). */
  initial?: number;
  /** float64 (default) or float32. */
  dtype?: 'float32' | 'float64';
}

/**
 * `length` samples of the Mackey-Glass series at unit time steps, integrated
 * with the classical fourth-order Runge-Kutta method (the delayed term
 * interpolated linearly at half steps). Deterministic. Returns [length].
 */
export function mackeyGlass(length: number, { tau = 17, substeps = 10, transient = 1000, initial = 1.2, dtype = 'float64' }: MackeyGlassOptions = {}): Tensor {
  if (!Number.isInteger(length) || length < 1) throw new ValueError(`length must be a positive integer, got ${length}`, 'mackeyGlass');
  if (!(tau > 0) || !Number.isInteger(substeps) || substeps < 1) throw new ValueError(`tau must be positive and substeps a positive integer, got ${tau} and ${substeps}`, 'mackeyGlass');
  const h = 1 / substeps;
  const lag = Math.round(tau / h);
  const total = (transient + length) * substeps;
  const x = new Float64Array(lag + total + 1).fill(initial);
  const f = (xt: number, delayed: number) => (0.2 * delayed) / (1 + delayed ** 10) - 0.1 * xt;
  for (let i = lag; i < lag + total; i++) {
    const d0 = x[i - lag]!, d1 = x[i - lag + 1]!, dm = 0.5 * (d0 + d1);
    const xi = x[i]!;
    const k1 = f(xi, d0);
    const k2 = f(xi + 0.5 * h * k1, dm);
    const k3 = f(xi + 0.5 * h * k2, dm);
    const k4 = f(xi + h * k3, d1);
    x[i + 1] = xi + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) out[t] = x[lag + (transient + t) * substeps]!;
  return tensor(out, [length], 'float64').cast(dtype);
}
