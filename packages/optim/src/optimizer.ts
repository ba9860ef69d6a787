/**
 * The optimizer base class: parameter bookkeeping, per-parameter state and
 * `stateDict()` for exact resumption.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { fmtShape, NNError, Tensor, tidy, ValueError } from '@nn/tensor';

/** Hyperparameters: numbers, flags and number pairs (Adam's betas), saved with the state. */
export type Hyperparameters = Record<string, number | boolean | readonly number[]>;

/** The hyperparameters every optimizer has: a learning rate, which schedulers change. */
export type BaseHyperparameters = { lr: number };

/**
 * A parameter group as given to an optimizer (PyTorch's `param_groups`
 * entries): its tensors, and the hyperparameters in which it differs from
 * the optimizer's defaults.
 */
export type ParamGroupOptions<H extends BaseHyperparameters> = { params: Iterable<Tensor> } & Partial<H>;

/** What an optimizer is given: one list of tensors, or parameter groups. */
export type OptimizerParams<H extends BaseHyperparameters> = Iterable<Tensor> | Iterable<ParamGroupOptions<H>>;

/** A parameter group: its tensors and its hyperparameters, the defaults filled in. Schedulers set each group's `lr`. */
export type ParamGroup<H extends BaseHyperparameters> = H & { readonly params: readonly Tensor[] };

/** Everything needed to resume an optimizer exactly. */
export interface OptimizerState {
  /** The optimizer's class name, checked on load. */
  readonly kind: string;
  /** The first group's hyperparameters (what states from before parameter groups held). */
  readonly hyperparameters: Hyperparameters;
  /** Each group's hyperparameters, in order. */
  readonly groups?: readonly Hyperparameters[];
  /** Steps taken so far. */
  readonly step: number;
  /** Per-parameter buffers, keyed `${paramIndex}.${bufferName}` (parameters numbered across groups, in order). */
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
 * Updates parameters from their `.grad`. A subclass gives its default
 * hyperparameters, checks a group's in `validate`, and computes one
 * parameter's new value and buffers in `update`, with the hyperparameters
 * of that parameter's group; the base class keeps the groups, runs updates
 * without recording, releases intermediates and writes results in place.
 *
 * Parameters come as one list or as groups with their own hyperparameters:
 *
 * @example
 * ```ts
 * const decay = model.parameters().filter((p) => p.rank > 1);   // weights
 * const noDecay = model.parameters().filter((p) => p.rank <= 1); // biases, norms
 * const opt = new AdamW([{ params: decay }, { params: noDecay, weightDecay: 0 }], { lr: 1e-3 });
 * ```
 */
export abstract class Optimizer<H extends BaseHyperparameters = BaseHyperparameters> {
  /** The hyperparameters a group gets where it gives none. */
  readonly defaults: Readonly<H>;
  /** The parameter groups, each with its hyperparameters. */
  readonly paramGroups: ParamGroup<H>[];
  /** Steps taken so far. */
  stepCount = 0;
  private readonly buffers = new Map<Tensor, Record<string, Tensor>>();

  constructor(params: OptimizerParams<H>, defaults: H) {
    const name = this.constructor.name;
    const entries = [...(params as Iterable<Tensor | ParamGroupOptions<H>>)];
    const isGroup = (e: unknown): e is ParamGroupOptions<H> => typeof e === 'object' && e !== null && 'params' in e && !(e instanceof Tensor);
    if (!entries.every(isGroup) && !entries.every((e) => e instanceof Tensor)) {
      throw new ValueError('params must be tensors, or parameter groups ({ params, ...hyperparameters }), not a mix', name);
    }
    const specs = entries.length > 0 && entries.every(isGroup) ? entries : [{ params: entries as Tensor[] } as unknown as ParamGroupOptions<H>];
    this.defaults = Object.freeze({ ...defaults });
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((spec, i) => {
      const group = { ...defaults, ...spec, params: [...spec.params] } as ParamGroup<H>;
      if (group.params.length === 0) throw new ValueError(specs.length > 1 ? `parameter group ${i} is empty` : 'got an empty parameter list', name);
      for (const p of group.params) {
        if (seen.has(p)) throw new ValueError(`a parameter appears in more than one group (again in group ${i})`, name);
        seen.add(p);
      }
      this.checkGroup(group);
      return group;
    });
  }

  /** Throws a typed error, naming the optimizer and the hyperparameter, for a group's out-of-range values. */
  protected abstract validate(h: H): void;

  /** Computes one parameter's new value and buffers, with its group's hyperparameters. Runs inside `noGrad` and `tidy`. */
  protected abstract update(ctx: UpdateContext, h: H): UpdateResult;

  private checkGroup(h: H): void {
    if (!(typeof h.lr === 'number' && h.lr >= 0)) throw new ValueError(`learning rate must be non-negative, got ${h.lr}`, this.constructor.name);
    this.validate(h);
  }

  /** Every parameter, group after group. */
  get params(): readonly Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The first group's learning rate; setting it sets every group's. */
  get lr(): number {
    return this.paramGroups[0]!.lr;
  }

  set lr(value: number) {
    for (const group of this.paramGroups) group.lr = value;
  }

  /** Takes one step for every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const param of group.params) {
          const grad = param.grad;
          if (grad === null) continue;
          const old = this.buffers.get(param) ?? {};
          const result = tidy(() => this.update({ param, grad, buffers: old, step: this.stepCount }, group));
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

  /** Hyperparameters of each group, step count and buffers (the tensors are the optimizer's own). */
  stateDict(): OptimizerState {
    const tensors: Record<string, Tensor> = {};
    this.params.forEach((p, i) => {
      for (const [name, t] of Object.entries(this.buffers.get(p) ?? {})) tensors[`${i}.${name}`] = t;
    });
    const groups = this.paramGroups.map(({ params: _, ...h }) => h as Hyperparameters);
    return { kind: this.constructor.name, hyperparameters: groups[0]!, groups, step: this.stepCount, tensors };
  }

  /** Restores a state saved by `stateDict`, so training resumes exactly. */
  loadStateDict(state: OptimizerState): void {
    if (state.kind !== this.constructor.name) {
      throw new NNError(`loadStateDict: the state is from ${state.kind}, not ${this.constructor.name}`);
    }
    const params = this.params;
    const groups = state.groups ?? this.paramGroups.map(() => state.hyperparameters);
    if (groups.length !== this.paramGroups.length) {
      throw new NNError(`loadStateDict: the state has ${groups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    const restored = groups.map((h, i) => ({ ...this.defaults, ...h, params: this.paramGroups[i]!.params }) as ParamGroup<H>);
    for (const group of restored) this.checkGroup(group);
    const parsed = new Map<number, Record<string, Tensor>>();
    for (const [key, t] of Object.entries(state.tensors)) {
      const dot = key.indexOf('.');
      const index = Number(key.slice(0, dot));
      const param = params[index];
      if (dot < 0 || param === undefined) throw new NNError(`loadStateDict: key '${key}' names no parameter (the optimizer has ${params.length})`);
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
        this.buffers.set(params[index]!, copies);
      }
    });
    restored.forEach((group, i) => Object.assign(this.paramGroups[i]!, group));
    this.stepCount = state.step;
  }
}

/** Validates a hyperparameter's range with a clear error. */
export function checkRange(op: string, name: string, value: number, low: number, high: number, highInclusive = false): void {
  if (!(value >= low && (highInclusive ? value <= high : value < high))) {
    throw new ValueError(`${name} must be in [${low}, ${high}${highInclusive ? ']' : ')'}, got ${value}`, op);
  }
}
