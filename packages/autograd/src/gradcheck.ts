/**
 * Checking gradients against central differences in float64.
 * @module
 */
import { cast, getEngine, NNError, randn, tensor, type Tensor, tidy } from '@nn/tensor';
import { grad } from './functional.js';

/** Options of {@link gradCheck}. */
export interface GradCheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Largest acceptable relative error. Default 1e-5. */
  tolerance?: number;
  /** Check only these argument indices (default: every float argument). */
  argnums?: readonly number[];
}

/** What {@link gradCheck} found. */
export interface GradCheckResult {
  /** True when every checked input's worst error is within tolerance. */
  ok: boolean;
  /** Worst relative error per argument (NaN for arguments not checked). */
  maxRelativeError: number[];
  /** For each argument, the flat index of its worst entry, with both values. */
  worst: { index: number; analytic: number; numeric: number }[];
}

/**
 * Compares autograd's gradient of `f` with central differences, in float64.
 * A non-scalar output is reduced with a fixed random projection, so every
 * output entry's gradient counts. The relative error of an entry is
 * `|analytic - numeric| / max(1, |analytic|, |numeric|)`.
 *
 * @example
 * ```ts
 * const r = gradCheck((x) => x.tanh(), [randn([3, 4])]);
 * expect(r.ok).toBe(true);
 * ```
 */
export function gradCheck(f: (...args: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradCheckOptions = {}): GradCheckResult {
  const { eps = 1e-6, tolerance = 1e-5 } = options;
  const engine = getEngine();
  return tidy(() => {
    const args = inputs.map((t) => (t.dtype === 'float32' ? cast(t, 'float64') : t));
    const argnums = options.argnums ?? args.flatMap((t, i) => (t.dtype === 'float64' ? [i] : []));
    if (argnums.length === 0) throw new NNError('gradCheck: no float argument to check');
    const probe = f(...args);
    const projection = probe.size === 1 ? undefined : randn(probe.shape, { dtype: 'float64' });
    const scalar = (...xs: Tensor[]): Tensor => {
      const y = f(...xs).cast('float64');
      return projection === undefined ? y.sum() : y.mul(projection).sum();
    };
    const analytic = grad(scalar, argnums)(...args);
    const result: GradCheckResult = { ok: true, maxRelativeError: args.map(() => NaN), worst: args.map(() => ({ index: -1, analytic: NaN, numeric: NaN })) };
    argnums.forEach((argIndex, k) => {
      const x = args[argIndex]!;
      const base = Float64Array.from(x.dataSync());
      const a = analytic[k]!.dataSync();
      let worst = 0;
      for (let i = 0; i < base.length; i++) {
        const at = (v: number) =>
          engine.withoutRecording(() =>
            tidy(() => {
              const moved = base.slice();
              moved[i] = v;
              const xs = [...args];
              xs[argIndex] = tensor(moved, x.shape, 'float64');
              return scalar(...xs).item();
            }),
          );
        const numeric = (at(base[i]! + eps) - at(base[i]! - eps)) / (2 * eps);
        const err = Math.abs(a[i]! - numeric) / Math.max(1, Math.abs(a[i]!), Math.abs(numeric));
        if (!(err <= worst)) {
          worst = err;
          result.worst[argIndex] = { index: i, analytic: a[i]!, numeric };
        }
      }
      result.maxRelativeError[argIndex] = worst;
      if (!(worst <= tolerance)) result.ok = false;
    });
    return result;
  });
}
