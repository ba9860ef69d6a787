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
import { gruCellUpdate, lstmCellUpdate } from './fused.js';
import { fmtShape, matmul, rand, ShapeError, tensor, type Tensor, ValueError, zeros } from '@nn/tensor';

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

  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly gates: number, bias: boolean) {
    super();
    for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${name} must be a positive integer, got ${v}`, new.target.name);
    }
    this.weightIh = uniform([gates * hiddenSize, inputSize], hiddenSize);
    this.weightHh = uniform([gates * hiddenSize, hiddenSize], hiddenSize);
    this.biasIh = bias ? uniform([gates * hiddenSize], hiddenSize) : null;
    this.biasHh = bias ? uniform([gates * hiddenSize], hiddenSize) : null;
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

/** Elman RNN cell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (the chapter's s_t = tanh(b + W s_{t−1} + U x_t)). */
export class RNNCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, { bias = true, nonlinearity = 'tanh' as RnnNonlinearity } = {}) {
    super(inputSize, hiddenSize, 1, bias);
    this.nonlinearity = nonlinearity;
  }
  readonly nonlinearity: RnnNonlinearity;

  /** One step from a precomputed input projection. */
  stepProjected(xp: Tensor, h: Tensor): Tensor {
    const a = xp.add(affine(h, this.weightHh, this.biasHh));
    return this.nonlinearity === 'tanh' ? a.tanh() : a.relu();
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
