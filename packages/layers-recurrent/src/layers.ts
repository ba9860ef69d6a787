/**
 * Recurrent layers over whole sequences: `RNN`, `LSTM`, `GRU`, `IndRNN`, stacked and
 * bidirectional, with dropout between layers, `batchFirst`, initial states
 * and variable lengths, returning outputs and final states as PyTorch does.
 *
 * Per direction, the input projection of every time step is one matmul; each
 * step then adds one recurrent matmul. With `lengths`, steps past a
 * sequence's end leave its state unchanged and output zeros, so the final
 * state is the state at each sequence's last real step, in both directions.
 * @module
 */
import { Module } from '@nn/layers-core';
import { concat, fmtShape, rand, ShapeError, stack, tensor, type Tensor, ValueError, where, zeros } from '@nn/tensor';
import { GRUCell, IndRNNCell, type IndRNNOptions, LSTMCell, type RecurrentCell, RNNCell, type RNNOptions } from './cells.js';

/** Options shared by the recurrent layers. */
export interface RecurrentOptions {
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. */
  dropout?: number;
  /** Inputs and outputs are [batch, time, features] instead of [time, batch, features]. */
  batchFirst?: boolean;
  bias?: boolean;
}

/** What a recurrent layer returns. */
export interface RecurrentResult {
  /** The top layer's hidden states, `[T, N, D·H]` (or `[N, T, D·H]` with batchFirst). */
  output: Tensor;
  /** The final hidden state of every layer and direction, `[L·D, N, H]`. */
  h: Tensor;
  /** LSTM only: the final cell states, `[L·D, N, H]`. */
  c?: Tensor;
}

/** Initial states and sequence lengths for `forwardWithState`. */
export interface RecurrentInputs {
  h0?: Tensor;
  c0?: Tensor;
  /** Valid length of each sequence in the batch (the rest is padding). */
  lengths?: readonly number[];
}

/** The recurrent state of one layer and direction: hidden, and cell for the LSTM. */
export interface RecurrentState {
  h: Tensor;
  c?: Tensor;
}

type State = RecurrentState;

abstract class RecurrentLayer extends Module {
  readonly numLayers: number;
  readonly directions: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  /** Cells in PyTorch's order: layer 0 forward, layer 0 reverse, layer 1 forward, ... */
  readonly cells: RecurrentCell[];

  constructor(readonly inputSize: number, readonly hiddenSize: number, options: RecurrentOptions, makeCell: (input: number) => RecurrentCell) {
    super();
    const { numLayers = 1, bidirectional = false, dropout = 0, batchFirst = false } = options;
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ValueError(`numLayers must be a positive integer, got ${numLayers}`, new.target.name);
    if (!(dropout >= 0 && dropout < 1)) throw new ValueError(`dropout must be in [0, 1), got ${dropout}`, new.target.name);
    this.numLayers = numLayers;
    this.directions = bidirectional ? 2 : 1;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    this.cells = [];
    for (let l = 0; l < numLayers; l++) for (let d = 0; d < this.directions; d++) this.cells.push(makeCell(l === 0 ? inputSize : hiddenSize * this.directions));
  }

  /** PyTorch's parameter names (`weight_ih_l0`, ...), for `torchStateDict` and `loadTorchStateDict`. */
  override torchKeys(): Record<string, string> {
    return recurrentTorchKeys(this);
  }

  /** One step of a cell from its projected input; `prepared` is what {@link prepare} returned for the cell. */
  protected abstract step(cell: RecurrentCell, xp: Tensor, state: State, prepared?: Tensor): State;

  /** Work done once per sequence and cell rather than per step (IndRNN: the clipped recurrent weight). */
  protected prepare(_cell: RecurrentCell): Tensor | undefined {
    return undefined;
  }

  protected abstract readonly hasCellState: boolean;

  /** The top layer's outputs (see `forwardWithState` for the final states). */
  forward(x: Tensor): Tensor {
    return this.forwardWithState(x).output;
  }

  /** Runs the whole sequence; returns outputs and final states as PyTorch does. */
  forwardWithState(x: Tensor, { h0, c0, lengths }: RecurrentInputs = {}): RecurrentResult {
    const name = this.constructor.name;
    if (x.rank !== 3 || x.shape[2] !== this.inputSize) {
      throw new ShapeError(`input must be [${this.batchFirst ? 'batch, time' : 'time, batch'}, ${this.inputSize}], got ${fmtShape(x.shape)}`, name);
    }
    const seq = this.batchFirst ? x.transpose(0, 1) : x; // [T, N, I]
    const [T, N] = [seq.shape[0]!, seq.shape[1]!];
    const stateShape = [this.numLayers * this.directions, N, this.hiddenSize];
    for (const [label, s] of [['h0', h0], ['c0', c0]] as const) {
      if (s && fmtShape(s.shape) !== fmtShape(stateShape)) throw new ShapeError(`${label} must be ${fmtShape(stateShape)} (layers x directions, batch, hidden), got ${fmtShape(s.shape)}`, name);
    }
    const masks = lengths ? this.masks(lengths, T, N) : undefined;
    let input = seq;
    const finalH: Tensor[] = [], finalC: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const k = l * this.directions + d;
        const cell = this.cells[k]!;
        const zero = zeros([N, this.hiddenSize], x.dtype);
        let state: State = { h: h0 ? h0.index(k) : zero, ...(this.hasCellState ? { c: c0 ? c0.index(k) : zero } : {}) };
        // All time steps' input projections in one matmul: [T·N, I] → [T, N, G·H].
        const projected = cell.inputProjection(input.reshape([T * N, input.shape[2]!])).reshape([T, N, cell.gates * this.hiddenSize]);
        // One split into time steps (its gradient is a single concat), then per-step views.
        const perStep = projected.split(1, 0).map((p) => p.reshape([N, cell.gates * this.hiddenSize]));
        const steps: Tensor[] = new Array(T);
        const prepared = this.prepare(cell);
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? s : T - 1 - s;
          const next = this.step(cell, perStep[t]!, state, prepared);
          const m = masks?.[t];
          state = m ? { h: where(m, next.h, state.h), ...(next.c ? { c: where(m, next.c, state.c!) } : {}) } : next;
          steps[t] = m ? where(m, next.h, 0) : next.h;
        }
        outs.push(stack(steps, 0));
        finalH.push(state.h);
        if (state.c) finalC.push(state.c);
      }
      input = outs.length === 1 ? outs[0]! : concat(outs, 2);
      if (this.training && this.dropout > 0 && l < this.numLayers - 1) {
        input = input.mul(rand(input.shape).ge(this.dropout).cast(input.dtype).mul(1 / (1 - this.dropout)));
      }
    }
    return {
      output: this.batchFirst ? input.transpose(0, 1) : input,
      h: stack(finalH, 0),
      ...(this.hasCellState ? { c: stack(finalC, 0) } : {}),
    };
  }

  /** Per time step, a [N, 1] bool mask of the sequences still running. */
  private masks(lengths: readonly number[], T: number, N: number): Tensor[] {
    const name = this.constructor.name;
    if (lengths.length !== N) throw new ShapeError(`lengths has ${lengths.length} entries for a batch of ${N}`, name);
    lengths.forEach((len, i) => {
      if (!Number.isInteger(len) || len < 1 || len > T) throw new ValueError(`lengths[${i}] = ${len} is outside [1, ${T}] (the sequence has ${T} steps)`, name);
    });
    return Array.from({ length: T }, (_, t) => tensor(lengths.map((len) => t < len), [N, 1]));
  }
}

/** Elman RNN over sequences (tanh or relu), optionally with leaky units (`leak`, `learnLeak`). */
export class RNN extends RecurrentLayer {
  protected readonly hasCellState = false;
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & Omit<RNNOptions, 'bias'> = {}) {
    super(inputSize, hiddenSize, options, (input) => new RNNCell(input, hiddenSize, { ...options, bias: options.bias ?? true }));
  }
  protected step(cell: RecurrentCell, xp: Tensor, state: State): State {
    return { h: (cell as RNNCell).stepProjected(xp, state.h) };
  }
}

/** LSTM over sequences. `forgetBias` (default 1) initialises the forget gates open. */
export class LSTM extends RecurrentLayer {
  protected readonly hasCellState = true;
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & { forgetBias?: number } = {}) {
    super(inputSize, hiddenSize, options, (input) => new LSTMCell(input, hiddenSize, { bias: options.bias ?? true, forgetBias: options.forgetBias ?? 1 }));
  }
  protected step(cell: RecurrentCell, xp: Tensor, state: State): State {
    const [h, c] = (cell as LSTMCell).stepProjected(xp, state.h, state.c!);
    return { h, c };
  }
}

/** GRU over sequences. */
export class GRU extends RecurrentLayer {
  protected readonly hasCellState = false;
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, options, (input) => new GRUCell(input, hiddenSize, { bias: options.bias ?? true }));
  }
  protected step(cell: RecurrentCell, xp: Tensor, state: State): State {
    return { h: (cell as GRUCell).stepProjected(xp, state.h) };
  }
}

/**
 * IndRNN over sequences (Li et al. 2018): stacked layers of independently
 * recurrent units, h_t = f(W x_t + u ⊙ h_{t−1} + b). With ReLU units and
 * |u| bounded (`recurrentMaxAbs`, e.g. `IndRNNCell.recurrentBound(T)`), it
 * learns dependencies over hundreds or thousands of steps where an Elman
 * RNN cannot. Parameter names follow the common PyTorch ports
 * (`weight_ih_l0`, `weight_hh_l0` as a vector, `bias_ih_l0`).
 */
export class IndRNN extends RecurrentLayer {
  protected readonly hasCellState = false;
  /**
   * `recurrentInit` may give one [low, high] range per layer: Li et al.'s
   * adding-problem nets start the last layer's weights in
   * [2^(−1/T), 2^(1/T)], so that its units integrate over the whole sequence.
   */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & Omit<IndRNNOptions, 'bias' | 'recurrentInit'> & { recurrentInit?: IndRNNOptions['recurrentInit'] | readonly (readonly [number, number])[] } = {}) {
    const { recurrentInit } = options;
    const perLayer = Array.isArray(recurrentInit?.[0]) ? (recurrentInit as readonly (readonly [number, number])[]) : undefined;
    const layers = options.numLayers ?? 1, directions = options.bidirectional ? 2 : 1;
    if (perLayer && perLayer.length !== layers) throw new ValueError(`recurrentInit gives ${perLayer.length} ranges for ${layers} layers`, 'IndRNN');
    let made = 0;
    super(inputSize, hiddenSize, options, (input) => {
      const layer = Math.floor(made++ / directions);
      const init = perLayer ? perLayer[layer] : (recurrentInit as IndRNNOptions['recurrentInit']);
      return new IndRNNCell(input, hiddenSize, { ...options, bias: options.bias ?? true, recurrentInit: init });
    });
  }
  protected override prepare(cell: RecurrentCell): Tensor {
    return (cell as IndRNNCell).recurrentWeight();
  }
  protected step(cell: RecurrentCell, xp: Tensor, state: State, u?: Tensor): State {
    return { h: (cell as IndRNNCell).stepProjected(xp, state.h, u) };
  }
}

/** PyTorch's names of a recurrent layer's parameters (`weight_ih_l0`, `bias_hh_l1_reverse`, ...), by nn's key. */
function recurrentTorchKeys(layer: RecurrentLayer): Record<string, string> {
  const byTensor = new Map<Tensor, string>();
  layer.cells.forEach((cell, k) => {
    const suffix = `_l${Math.floor(k / layer.directions)}${k % layer.directions === 1 ? '_reverse' : ''}`;
    byTensor.set(cell.weightIh, `weight_ih${suffix}`);
    byTensor.set(cell.weightHh, `weight_hh${suffix}`);
    if (cell.biasIh) byTensor.set(cell.biasIh, `bias_ih${suffix}`);
    if (cell.biasHh) byTensor.set(cell.biasHh, `bias_hh${suffix}`);
    // nn's own (PyTorch has no leaky units): named in the same style.
    if (cell instanceof RNNCell && cell.leakLogit) byTensor.set(cell.leakLogit, `leak_logit${suffix}`);
  });
  return Object.fromEntries(layer.namedParameters().map(([name, p]) => [name, byTensor.get(p)!]));
}
