/**
 * The optimizer base class: parameter bookkeeping, per-parameter state and
 * `stateDict()` for exact resumption.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { fmtShape, NNError, type Tensor, tidy, ValueError } from '@nn/tensor';

/** Hyperparameters: plain numbers and flags, saved with the state. */
export type Hyperparameters = Record<string, number | boolean>;

/** Everything needed to resume an optimizer exactly. */
export interface OptimizerState {
  /** The optimizer's class name, checked on load. */
  readonly kind: string;
  readonly hyperparameters: Hyperparameters;
  /** Steps taken so far. */
  readonly step: number;
  /** Per-parameter buffers, keyed `${paramIndex}.${bufferName}`. */
  readonly tensors: Record<string, Tensor>;
}

/** What an update returns: the new parameter value and the new buffers. */
export interface UpdateResult {
  readonly param: Tensor;
  readonly buffers: Record<string, Tensor>;
}

/** The tensors an update reads: the parameter, its gradient and its buffers. */
export interface UpdateContext {
  readonly param: Tensor;
  readonly grad: Tensor;
  /** The parameter's buffers (momentum, moments, ...), created on first use. */
  readonly buffers: Record<string, Tensor>;
  /** The step about to be taken, from 1. */
  readonly step: number;
}

/**
 * Updates parameters from their `.grad`. Subclasses implement `update`,
 * which returns the new parameter value and the new buffers; the base class
 * runs it without recording, releases intermediates and writes the results
 * in place.
 */
export abstract class Optimizer {
  /** The parameters being optimized. */
  readonly params: readonly Tensor[];
  /** Learning rate; schedulers change it between steps. */
  lr: number;
  /** Steps taken so far. */
  stepCount = 0;
  private readonly buffers = new Map<Tensor, Record<string, Tensor>>();

  constructor(params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    if (this.params.length === 0) throw new ValueError('got an empty parameter list', this.constructor.name);
    if (!(lr >= 0)) throw new ValueError(`learning rate must be non-negative, got ${lr}`, this.constructor.name);
    this.lr = lr;
  }

  /** The hyperparameters, for `stateDict` (the learning rate included). */
  abstract hyperparameters(): Hyperparameters;

  /** Restores hyperparameters saved by `stateDict`. */
  protected abstract setHyperparameters(h: Hyperparameters): void;

  /** Computes one parameter's new value and buffers. Runs inside `noGrad` and `tidy`. */
  protected abstract update(ctx: UpdateContext): UpdateResult;

  /** Takes one step for every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    noGrad(() => {
      for (const param of this.params) {
        const grad = param.grad;
        if (grad === null) continue;
        const old = this.buffers.get(param) ?? {};
        const result = tidy(() => this.update({ param, grad, buffers: old, step: this.stepCount }));
        param.assign(result.param);
        result.param.dispose();
        const next: Record<string, Tensor> = {};
        for (const [name, value] of Object.entries(result.buffers)) {
          if (old[name] !== undefined && old[name] !== value) {
            old[name].assign(value);
            value.dispose();
            next[name] = old[name];
          } else {
            next[name] = value;
            value.kept = true;
          }
        }
        this.buffers.set(param, next);
      }
    });
  }

  /** Clears every parameter's `.grad`. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Hyperparameters, step count and buffers (the tensors are the optimizer's own). */
  stateDict(): OptimizerState {
    const tensors: Record<string, Tensor> = {};
    this.params.forEach((p, i) => {
      for (const [name, t] of Object.entries(this.buffers.get(p) ?? {})) tensors[`${i}.${name}`] = t;
    });
    return { kind: this.constructor.name, hyperparameters: { ...this.hyperparameters(), lr: this.lr }, step: this.stepCount, tensors };
  }

  /** Restores a state saved by `stateDict`, so training resumes exactly. */
  loadStateDict(state: OptimizerState): void {
    if (state.kind !== this.constructor.name) {
      throw new NNError(`loadStateDict: the state is from ${state.kind}, not ${this.constructor.name}`);
    }
    const parsed = new Map<number, Record<string, Tensor>>();
    for (const [key, t] of Object.entries(state.tensors)) {
      const dot = key.indexOf('.');
      const index = Number(key.slice(0, dot));
      const param = this.params[index];
      if (dot < 0 || param === undefined) throw new NNError(`loadStateDict: key '${key}' names no parameter (the optimizer has ${this.params.length})`);
      if (fmtShape(t.shape) !== fmtShape(param.shape)) {
        throw new NNError(`loadStateDict: '${key}' has shape ${fmtShape(t.shape)} but parameter ${index} has ${fmtShape(param.shape)}`);
      }
      const entry = parsed.get(index) ?? {};
      entry[key.slice(dot + 1)] = t;
      parsed.set(index, entry);
    }
    for (const old of this.buffers.values()) for (const t of Object.values(old)) t.dispose();
    this.buffers.clear();
    noGrad(() => {
      for (const [index, entry] of parsed) {
        const copies: Record<string, Tensor> = {};
        for (const [name, t] of Object.entries(entry)) copies[name] = Object.assign(t.clone(), { kept: true });
        this.buffers.set(this.params[index]!, copies);
      }
    });
    this.setHyperparameters(state.hyperparameters);
    this.lr = Number(state.hyperparameters.lr ?? this.lr);
    this.stepCount = state.step;
  }
}

/** Validates a hyperparameter's range with a clear error. */
export function checkRange(op: string, name: string, value: number, low: number, high: number, highInclusive = false): void {
  if (!(value >= low && (highInclusive ? value <= high : value < high))) {
    throw new ValueError(`${name} must be in [${low}, ${high}${highInclusive ? ']' : ')'}, got ${value}`, op);
  }
}
