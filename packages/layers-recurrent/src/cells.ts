/**
 * The recurrent cells: one time step of an Elman RNN, an LSTM and a GRU,
 * with PyTorch's parameter layout (so state dicts interchange) and the
 * chapter's equations.
 *
 * Gate layout, as PyTorch: LSTM rows of `weightIh`/`weightHh` are the gates
 * (i, f, g, o), each `hiddenSize` long; GRU rows are (r, z, n). In the
 * chapter's notation for the LSTM, U = weightIh, W = weightHh, b = biasIh +
 * biasHh; the chapter's candidate c_t is PyTorch's g_t, its cell state s_t
 * is PyTorch's c_t, and h_t is h_t.
 * @module
 */
import { Module, Parameter } from '@nn/layers-core';
import { gruCellUpdate, indRnnCellUpdate, lstmCellUpdate } from './fused.js';
import { fmtShape, type IndRnnNonlinearity, matmul, rand, ShapeError, tensor, type Tensor, ValueError, zeros } from '@nn/tensor';

/** The nonlinearity of an Elman RNN. */
export type RnnNonlinearity = 'tanh' | 'relu';

/** U(−1/√H, 1/√H), PyTorch's initialisation of every recurrent weight and bias. */
function uniform(shape: number[], hidden: number): Parameter {
  const k = 1 / Math.sqrt(hidden);
  return new Parameter(rand(shape, { low: -k, high: k }));
}

/** x Wᵀ + b: the affine map every gate computes. */
export function affine(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const y = matmul(x, weight, { transposeB: true });
  return bias ? y.add(bias) : y;
}

/** Splits the last dim into `n` equal chunks (the gates). */
export function chunks(x: Tensor, n: number): Tensor[] {
  return x.split(x.shape[x.rank - 1]! / n, -1);
}

/** Parameters shared by the cells: input-to-hidden and hidden-to-hidden maps for `gates` gates. */
export abstract class RecurrentCell extends Module {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;

  /**
   * `diagonal`: each hidden unit feeds back only to itself, so `weightHh` is
   * a vector [hiddenSize] and the input bias is the only bias (IndRNN).
   */
  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly gates: number, bias: boolean, diagonal = false) {
    super();
    for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${name} must be a positive integer, got ${v}`, new.target.name);
    }
    this.weightIh = uniform([gates * hiddenSize, inputSize], hiddenSize);
    this.weightHh = uniform(diagonal ? [hiddenSize] : [gates * hiddenSize, hiddenSize], hiddenSize);
    this.biasIh = bias ? uniform([gates * hiddenSize], hiddenSize) : null;
    this.biasHh = bias && !diagonal ? uniform([gates * hiddenSize], hiddenSize) : null;
  }

  /** Checks an input [N, inputSize] and a state [N, hiddenSize]. */
  protected check(x: Tensor, h: Tensor, name = 'h'): void {
    if (x.rank !== 2 || x.shape[1] !== this.inputSize) {
      throw new ShapeError(`input must be [batch, ${this.inputSize}], got ${fmtShape(x.shape)}`, this.constructor.name);
    }
    if (h.rank !== 2 || h.shape[0] !== x.shape[0] || h.shape[1] !== this.hiddenSize) {
      throw new ShapeError(`state ${name} must be [${x.shape[0]}, ${this.hiddenSize}], got ${fmtShape(h.shape)}`, this.constructor.name);
    }
  }

  /** The initial state for a batch like `x`: zeros [N, hiddenSize] of x's dtype. */
  protected zeroState(x: Tensor): Tensor {
    return zeros([x.shape[0]!, this.hiddenSize], x.dtype);
  }

  /** The gate pre-activations from the input (for all time steps at once in the layers). */
  inputProjection(x: Tensor): Tensor {
    return affine(x, this.weightIh, this.biasIh);
  }
}

/** Options of an IndRNN cell and layer. */
export interface IndRNNOptions {
  bias?: boolean;
  /** f in h_t = f(W x_t + u ⊙ h_{t−1} + b); default 'relu', as the paper. */
  nonlinearity?: IndRnnNonlinearity;
  /**
   * The recurrent weights are clipped to [−max, max] in the forward pass
   * (their gradient is zero beyond). Li et al. bound |u|^T: for a gradient
   * that may grow at most γ-fold over T steps, use γ^(1/T)
   * ({@link IndRNNCell.recurrentBound}). Default: no clipping.
   */
  recurrentMaxAbs?: number;
  /** The recurrent weights start uniform in [low, high]; default [0, 1], as Li et al.'s adding-problem nets. */
  recurrentInit?: readonly [number, number];
}

/**
 * Independently recurrent cell (IndRNN, Li et al. 2018, the chapter's
 * diagonal self-feedback network): h' = f(W_ih x + b_ih + u ⊙ h), where the
 * recurrent weight u (`weightHh`, shape [hiddenSize]) connects each unit to
 * itself only. The gradient through T steps is a product of u_j·f' per
 * unit, so bounding |u_j| keeps it from vanishing or exploding, and units
 * can be ReLUs. The step is one fused op.
 */
export class IndRNNCell extends RecurrentCell {
  readonly nonlinearity: IndRnnNonlinearity;
  readonly recurrentMaxAbs: number | undefined;

  constructor(inputSize: number, hiddenSize: number, { bias = true, nonlinearity = 'relu', recurrentMaxAbs, recurrentInit = [0, 1] }: IndRNNOptions = {}) {
    super(inputSize, hiddenSize, 1, bias, true);
    if (nonlinearity !== 'relu' && nonlinearity !== 'tanh') throw new ValueError(`nonlinearity must be 'relu' or 'tanh', got ${String(nonlinearity)}`, 'IndRNNCell');
    if (recurrentMaxAbs !== undefined && !(recurrentMaxAbs > 0)) throw new ValueError(`recurrentMaxAbs must be positive, got ${recurrentMaxAbs}`, 'IndRNNCell');
    const [low, high] = recurrentInit;
    if (!(low <= high)) throw new ValueError(`recurrentInit must be [low, high] with low <= high, got [${low}, ${high}]`, 'IndRNNCell');
    this.nonlinearity = nonlinearity;
    this.recurrentMaxAbs = recurrentMaxAbs;
    this.weightHh.assign(rand([hiddenSize], { low, high }));
  }

  /** γ^(1/T): the recurrent bound that lets a gradient grow at most γ-fold over `steps` steps (Li et al.'s clipping). */
  static recurrentBound(steps: number, gamma = 2): number {
    if (!(steps >= 1) || !(gamma > 0)) throw new ValueError(`steps must be >= 1 and gamma positive, got ${steps} and ${gamma}`, 'IndRNNCell.recurrentBound');
    return gamma ** (1 / steps);
  }

  /** The recurrent weights as the step uses them: clipped to ±recurrentMaxAbs when set. */
  recurrentWeight(): Tensor {
    const m = this.recurrentMaxAbs;
    return m === undefined ? this.weightHh : this.weightHh.maximum(-m).minimum(m);
  }

  /** One step from a precomputed input projection (bias included), with the recurrent weight `u` from {@link recurrentWeight}. */
  stepProjected(xp: Tensor, h: Tensor, u: Tensor = this.recurrentWeight()): Tensor {
    return indRnnCellUpdate(xp, u, h, this.nonlinearity);
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    const state = h ?? this.zeroState(x);
    this.check(x, state);
    return this.stepProjected(this.inputProjection(x), state);
  }
}

/** Options of an Elman cell and layer. */
export interface RNNOptions {
  bias?: boolean;
  nonlinearity?: RnnNonlinearity;
  /**
   * Leak rate α of leaky units: s_t = (1 − α) s_{t−1} + α f(a_t), a linear
   * self-connection that lets a unit integrate over about 1/α steps (its time
   * constant). Default 1: the plain Elman cell.
   */
  leak?: number;
  /**
   * Learn one leak rate per unit (as a logit, so it stays in (0, 1)),
   * starting at `leak` (then below 1). The time constants are 1/α.
   */
  learnLeak?: boolean;
}

/**
 * Elman RNN cell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (the chapter's
 * s_t = tanh(b + W s_{t−1} + U x_t)), optionally with leaky units.
 */
export class RNNCell extends RecurrentCell {
  readonly nonlinearity: RnnNonlinearity;
  /** The fixed leak rate (1: none); unused when the rates are learned. */
  readonly leak: number;
  /** Per-unit logits of the learned leak rates [hiddenSize], or null. */
  leakLogit: Parameter | null;

  constructor(inputSize: number, hiddenSize: number, { bias = true, nonlinearity = 'tanh', leak = 1, learnLeak = false }: RNNOptions = {}) {
    super(inputSize, hiddenSize, 1, bias);
    this.nonlinearity = nonlinearity;
    if (!(leak > 0 && leak <= 1)) throw new ValueError(`leak must be in (0, 1], got ${leak}`, 'RNNCell');
    if (learnLeak && leak === 1) throw new ValueError('a learned leak rate starts below 1: pass leak in (0, 1) with learnLeak', 'RNNCell');
    this.leak = leak;
    this.leakLogit = learnLeak ? new Parameter(tensor(new Float32Array(hiddenSize).fill(Math.log(leak / (1 - leak))))) : null;
  }

  /** The leak rates α per unit as a tensor [hiddenSize] (learned ones, or the fixed rate). */
  leakRates(): Tensor {
    return this.leakLogit ? this.leakLogit.sigmoid() : tensor(new Float32Array(this.hiddenSize).fill(this.leak));
  }

  /** The units' time constants 1/α, in steps. */
  timeConstants(): number[] {
    return Array.from(this.leakRates().dataSync(), (a) => 1 / a);
  }

  /** One step from a precomputed input projection. */
  stepProjected(xp: Tensor, h: Tensor): Tensor {
    const a = xp.add(affine(h, this.weightHh, this.biasHh));
    const y = this.nonlinearity === 'tanh' ? a.tanh() : a.relu();
    if (this.leakLogit) return h.add(y.sub(h).mul(this.leakLogit.sigmoid()));
    return this.leak === 1 ? y : h.add(y.sub(h).mul(this.leak));
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    const state = h ?? this.zeroState(x);
    this.check(x, state);
    return this.stepProjected(this.inputProjection(x), state);
  }
}

/**
 * LSTM cell, with the chapter's equations: f, i, o = σ(b + U x_t + W h_{t−1})
 * per gate; candidate g = tanh(b + U x_t + W h_{t−1}); cell
 * c_t = f ⊙ c_{t−1} + i ⊙ g; h_t = o ⊙ tanh(c_t). `forgetBias` (default 1,
 * as Jozefowicz et al. 2015 recommend) is added to the forget gate's bias.
 */
export class LSTMCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, { bias = true, forgetBias = 1 } = {}) {
    super(inputSize, hiddenSize, 4, bias);
    if (bias && forgetBias !== 0) {
      // Forget-gate rows are [H, 2H) in the (i, f, g, o) layout.
      const b = this.biasIh!;
      const shift = new Float32Array(4 * hiddenSize);
      shift.fill(forgetBias, hiddenSize, 2 * hiddenSize);
      b.assign(b.add(tensor(shift)));
    }
  }

  /** One step from a precomputed input projection: returns [h, c]. */
  stepProjected(xp: Tensor, h: Tensor, c: Tensor): [Tensor, Tensor] {
    return lstmCellUpdate(xp.add(affine(h, this.weightHh, this.biasHh)), c);
  }

  /** One step: returns `[h, c]`. */
  step(x: Tensor, h: Tensor, c: Tensor): [Tensor, Tensor] {
    this.check(x, h);
    this.check(x, c, 'c');
    return this.stepProjected(this.inputProjection(x), h, c);
  }

  /** The new hidden state (use `step` for the cell state too). */
  forward(x: Tensor, h?: Tensor, c?: Tensor): Tensor {
    const zero = this.zeroState(x);
    return this.step(x, h ?? zero, c ?? zero)[0];
  }
}

/** GRU cell (PyTorch's): r, z = σ(...); n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); h' = (1 − z) ⊙ n + z ⊙ h. */
export class GRUCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, { bias = true } = {}) {
    super(inputSize, hiddenSize, 3, bias);
  }

  stepProjected(xp: Tensor, h: Tensor): Tensor {
    return gruCellUpdate(xp, affine(h, this.weightHh, this.biasHh), h);
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    const state = h ?? this.zeroState(x);
    this.check(x, state);
    return this.stepProjected(this.inputProjection(x), state);
  }
}
