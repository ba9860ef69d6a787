/**
 * Echo state networks (Jaeger 2001; Jaeger and Haas, Science 2004): a fixed,
 * sparsely connected random reservoir scaled to a chosen spectral radius,
 * driven by the input, with leaky-integrator units
 *   x(t) = (1 − a)·x(t − 1) + a·tanh(W_in [1; u(t)] + W x(t − 1)),
 * and a linear readout y(t) = W_out [1; u(t); x(t)] trained by ridge
 * regression on the states after a washout. Only the readout is learned,
 * in one linear solve, so the reservoir runs as plain float64 loops.
 * @module
 */
import { lstsq } from '@nn/linalg';
import { fmtShape, rand, ShapeError, type Tensor, tensor, tidy, ValueError } from '@nn/tensor';
import { mulberry32 } from '@nn/tensor/kernel';

/** Options of {@link EchoStateNetwork}. */
export interface EchoStateOptions {
  /** Reservoir units. */
  reservoirSize: number;
  /** Largest |eigenvalue| of W after scaling (default 0.95; below 1 for the echo state property). */
  spectralRadius?: number;
  /** Fraction of nonzero recurrent weights (default: 10 connections per unit). */
  density?: number;
  /** Scale of the input weights, drawn from U(−s, s) (default 1). */
  inputScaling?: number;
  /** Scale of the bias weights (default 0.2). */
  biasScaling?: number;
  /** Leak rate a in (0, 1] (default 1: no leak). */
  leakRate?: number;
  /** Ridge of the readout's regression (default 1e-8). */
  ridge?: number;
}

/**
 * ρ(W), the spectral radius of an n x n matrix (row-major), by power
 * iteration read through Gelfand's formula: the mean growth of ‖Wᵏv‖ over
 * many steps, which also converges when the dominant eigenvalues are a
 * complex pair (where plain power iteration oscillates).
 */
export function spectralRadius(w: Float64Array, n: number, { iterations = 600, seed = 1 }: { iterations?: number; seed?: number } = {}): number {
  if (w.length !== n * n) throw new ShapeError(`W has ${w.length} entries, expected ${n} x ${n}`, 'spectralRadius');
  let v = new Float64Array(n), next = new Float64Array(n);
  const uniform = mulberry32(seed);
  for (let i = 0; i < n; i++) v[i] = uniform() - 0.5;
  let logGrowth = 0, counted = 0;
  const burnIn = Math.floor(iterations / 3);
  for (let k = 0; k < iterations; k++) {
    let norm = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += w[i * n + j]! * v[j]!;
      next[i] = acc;
      norm += acc * acc;
    }
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    [v, next] = [next, v];
    for (let i = 0; i < n; i++) v[i] = v[i]! / norm;
    if (k >= burnIn) {
      logGrowth += Math.log(norm);
      counted++;
    }
  }
  return Math.exp(logGrowth / counted);
}

/** An echo state network: a fixed random reservoir and a ridge-regression readout. */
export class EchoStateNetwork {
  readonly reservoirSize: number;
  readonly leakRate: number;
  readonly ridge: number;
  /** W_in [R, 1 + I] (bias column first), row-major. */
  readonly inputWeights: Float64Array;
  /** W [R, R] as sparse rows: column indices and values per row. */
  private readonly rows: { cols: Int32Array; values: Float64Array }[];
  /** The spectral radius W was scaled to (measured after scaling). */
  readonly spectralRadius: number;
  /** W_out [O, 1 + I + R] after {@link fit}. */
  readout: Float64Array | undefined;
  outputSize = 0;
  /** The current reservoir state. */
  state: Float64Array;

  constructor(readonly inputSize: number, options: EchoStateOptions) {
    const { reservoirSize: R, spectralRadius: target = 0.95, inputScaling = 1, biasScaling = 0.2, leakRate = 1, ridge = 1e-8 } = options;
    const density = options.density ?? Math.min(1, 10 / R);
    const op = 'EchoStateNetwork';
    if (!Number.isInteger(R) || R < 1 || !Number.isInteger(inputSize) || inputSize < 1) throw new ValueError(`reservoirSize and inputSize must be positive integers, got ${R} and ${inputSize}`, op);
    if (!(leakRate > 0 && leakRate <= 1)) throw new ValueError(`leakRate must be in (0, 1], got ${leakRate}`, op);
    if (!(density > 0 && density <= 1)) throw new ValueError(`density must be in (0, 1], got ${density}`, op);
    if (!(target > 0) || !(ridge >= 0)) throw new ValueError(`spectralRadius must be positive and ridge non-negative, got ${target} and ${ridge}`, op);
    this.reservoirSize = R;
    this.leakRate = leakRate;
    this.ridge = ridge;
    // Weights from nn's seeded generator (manualSeed makes a reservoir reproducible).
    const u = (count: number) => Float64Array.from(tidy(() => rand([count]).dataSync()), (v) => 2 * v - 1);
    const win = u(R * (1 + inputSize));
    for (let i = 0; i < R; i++) {
      win[i * (1 + inputSize)] = win[i * (1 + inputSize)]! * biasScaling;
      for (let j = 1; j <= inputSize; j++) win[i * (1 + inputSize) + j] = win[i * (1 + inputSize) + j]! * inputScaling;
    }
    this.inputWeights = win;
    const mask = tidy(() => rand([R * R]).dataSync());
    const values = u(R * R);
    const dense = new Float64Array(R * R);
    for (let i = 0; i < R * R; i++) if (mask[i]! < density) dense[i] = values[i]!;
    const rho = spectralRadius(dense, R);
    if (rho === 0) throw new ValueError(`the random reservoir has no cycles at density ${density} (spectral radius 0): raise density`, op);
    for (let i = 0; i < R * R; i++) dense[i] = dense[i]! * (target / rho);
    this.spectralRadius = spectralRadius(dense, R);
    this.rows = Array.from({ length: R }, (_, i) => {
      const cols: number[] = [];
      for (let j = 0; j < R; j++) if (dense[i * R + j] !== 0) cols.push(j);
      return { cols: Int32Array.from(cols), values: Float64Array.from(cols, (j) => dense[i * R + j]!) };
    });
    this.state = new Float64Array(R);
  }

  /** Sets the state back to zero. */
  reset(): void {
    this.state.fill(0);
  }

  /** One update with input u (length I); returns the new state. */
  step(u: ArrayLike<number>): Float64Array {
    const R = this.reservoirSize, I = this.inputSize, a = this.leakRate;
    const x = this.state, next = new Float64Array(R);
    for (let i = 0; i < R; i++) {
      const w = i * (1 + I);
      let s = this.inputWeights[w]!;
      for (let j = 0; j < I; j++) s += this.inputWeights[w + 1 + j]! * u[j]!;
      const { cols, values } = this.rows[i]!;
      for (let k = 0; k < cols.length; k++) s += values[k]! * x[cols[k]!]!;
      next[i] = (1 - a) * x[i]! + a * Math.tanh(s);
    }
    this.state = next;
    return next;
  }

  private inputsOf(op: string, inputs: Tensor): Float64Array {
    if (inputs.rank !== 2 || inputs.shape[1] !== this.inputSize) throw new ShapeError(`inputs must be [time, ${this.inputSize}], got ${fmtShape(inputs.shape)}`, op);
    return Float64Array.from(inputs.dataSync() as ArrayLike<number>);
  }

  /** Drives the reservoir with inputs [T, I] from the current state; returns the extended states [1; u; x] per step, [T, 1 + I + R]. */
  collect(inputs: Tensor): Float64Array {
    const u = this.inputsOf('collect', inputs);
    const T = inputs.shape[0]!, I = this.inputSize, D = 1 + I + this.reservoirSize;
    const z = new Float64Array(T * D);
    for (let t = 0; t < T; t++) {
      const ut = u.subarray(t * I, (t + 1) * I);
      const x = this.step(ut);
      z[t * D] = 1;
      z.set(ut, t * D + 1);
      z.set(x, t * D + 1 + I);
    }
    return z;
  }

  /**
   * Trains the readout: runs inputs [T, I] from a zeroed state, drops the
   * first `washout` steps, and solves the ridge regression of targets
   * [T, O] on the extended states. Returns the training NRMSE (RMSE over
   * the targets' deviation). The state is left after the last input.
   */
  fit(inputs: Tensor, targets: Tensor, { washout = 100 }: { washout?: number } = {}): number {
    const T = inputs.shape[0]!;
    if (targets.rank !== 2 || targets.shape[0] !== T) throw new ShapeError(`targets must be [${T}, outputs] like the inputs' time axis, got ${fmtShape(targets.shape)}`, 'fit');
    if (!Number.isInteger(washout) || washout < 0 || washout >= T) throw new ValueError(`washout must be an integer in [0, ${T}), got ${washout}`, 'fit');
    this.reset();
    const z = this.collect(inputs);
    const D = 1 + this.inputSize + this.reservoirSize, O = targets.shape[1]!;
    const y = Float64Array.from(targets.dataSync() as ArrayLike<number>).subarray(washout * O);
    const w = tidy(() => lstsq(tensor(z.subarray(washout * D), [T - washout, D], 'float64'), tensor(y, [T - washout, O], 'float64'), { ridge: this.ridge }).transpose(0, 1).dataSync());
    this.readout = Float64Array.from(w as ArrayLike<number>);
    this.outputSize = O;
    let se = 0, mean = 0;
    for (const v of y) mean += v / y.length;
    let variance = 0;
    for (let t = 0; t < T - washout; t++) {
      const out = this.readoutOf(z.subarray((washout + t) * D, (washout + t + 1) * D));
      for (let o = 0; o < O; o++) {
        se += (out[o]! - y[t * O + o]!) ** 2;
        variance += (y[t * O + o]! - mean) ** 2;
      }
    }
    return Math.sqrt(se / variance);
  }

  /** W_out · z for one extended state. */
  private readoutOf(z: ArrayLike<number>): Float64Array {
    const W = this.readout;
    if (W === undefined) throw new ValueError('the readout is not trained: call fit first', 'EchoStateNetwork');
    const D = 1 + this.inputSize + this.reservoirSize;
    const out = new Float64Array(this.outputSize);
    for (let o = 0; o < this.outputSize; o++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += W[o * D + d]! * z[d]!;
      out[o] = s;
    }
    return out;
  }

  /** Outputs [T, O] for inputs [T, I], continuing from the current state (teacher forcing). */
  predict(inputs: Tensor): Tensor {
    const z = this.collect(inputs);
    const T = inputs.shape[0]!, D = 1 + this.inputSize + this.reservoirSize;
    const out = new Float64Array(T * this.outputSize);
    for (let t = 0; t < T; t++) out.set(this.readoutOf(z.subarray(t * D, (t + 1) * D)), t * this.outputSize);
    return tensor(out, [T, this.outputSize], 'float64');
  }

  /**
   * Runs free for `steps`: each output is the next input (a one-step
   * predictor turned generator; outputs and inputs must have one size).
   * `first` is the first input (the last value seen). Returns [steps, O].
   */
  generate(steps: number, first: ArrayLike<number>): Tensor {
    if (this.outputSize !== this.inputSize) throw new ShapeError(`generate feeds outputs back as inputs: ${this.outputSize} outputs for ${this.inputSize} inputs`, 'generate');
    const out = new Float64Array(steps * this.outputSize);
    let u: Float64Array = Float64Array.from(first);
    const I = this.inputSize, D = 1 + I + this.reservoirSize;
    const z = new Float64Array(D);
    for (let t = 0; t < steps; t++) {
      const x = this.step(u);
      z[0] = 1;
      z.set(u, 1);
      z.set(x, 1 + I);
      u = this.readoutOf(z);
      out.set(u, t * I);
    }
    return tensor(out, [steps, this.outputSize], 'float64');
  }
}
