/**
 * Learning-rate schedulers, with PyTorch's formulas so that schedules port
 * as they are. Call `step()` once per epoch (after the optimizer's steps),
 * or once per batch for {@link OneCycleLR} (its `interval` is `'batch'`,
 * and `fit` steps it so); `ReduceLROnPlateau.step(metric)` takes the
 * monitored value.
 * @module
 */
import { ValueError } from '@nn/tensor';
import type { Optimizer } from './optimizer.js';

/** A scheduler's state, to save with a checkpoint. */
export interface SchedulerState {
  [key: string]: number;
}

/**
 * The learning rate each parameter group had when the optimizer's first
 * scheduler was made (PyTorch's `initial_lr`): a scheduler changes the rate
 * when it is made (LinearLR starts at a fraction of it), and the schedulers
 * made after it, for {@link SequentialLR}, must start from the same base.
 */
const initialLr = new WeakMap<object, number>();

/**
 * Base of the step-indexed schedulers: each parameter group's lr =
 * f(step, that group's initial lr), so groups with different rates keep
 * their ratio through the schedule.
 */
export abstract class LRScheduler {
  /** Each group's learning rate when the optimizer's first scheduler was created. */
  readonly baseLrs: readonly number[];
  /** Steps (epochs, or batches when `interval` is `'batch'`) taken so far. */
  epoch = 0;
  /** How often `step()` is meant to be called: per epoch (default) or per batch. */
  readonly interval: 'epoch' | 'batch' = 'epoch';

  constructor(readonly optimizer: Optimizer) {
    this.baseLrs = optimizer.paramGroups.map((group) => {
      if (!initialLr.has(group)) initialLr.set(group, group.lr);
      return initialLr.get(group)!;
    });
  }

  /** The first group's initial learning rate. */
  get baseLr(): number {
    return this.baseLrs[0]!;
  }

  /** Sets the groups' rates for step 0; subclasses call it once their fields are set (PyTorch does at construction). */
  protected start(): void {
    this.apply();
  }

  /** The learning rate for `epoch`, for a group whose initial rate is `base` (by default the first group's). */
  abstract lrAt(epoch: number, base?: number): number;

  /** Advances one epoch and sets every group's learning rate. */
  step(): void {
    this.epoch++;
    this.apply();
  }

  stateDict(): SchedulerState {
    return { epoch: this.epoch };
  }

  loadStateDict(state: SchedulerState): void {
    this.epoch = state.epoch ?? 0;
    this.apply();
  }

  private apply(): void {
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = this.lrAt(this.epoch, this.baseLrs[i])));
  }
}

/** Multiplies the learning rate by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new ValueError(`stepSize must be a positive integer, got ${stepSize}`, 'StepLR');
  }
  lrAt(epoch: number, base = this.baseLr): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** Multiplies the learning rate by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly gamma: number) {
    super(optimizer);
  }
  lrAt(epoch: number, base = this.baseLr): number {
    return base * this.gamma ** epoch;
  }
}

/** ½(1 + cos(π·t)) between `high` (t = 0) and `low` (t = 1). */
function cosineBetween(high: number, low: number, t: number): number {
  return low + ((high - low) * (1 + Math.cos(Math.PI * t))) / 2;
}

function checkPositiveInteger(op: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new ValueError(`${name} must be a positive integer, got ${value}`, op);
}

/**
 * Cosine annealing from the initial rate to `etaMin` over `tMax` epochs
 * (Loshchilov and Hutter 2017, without restarts). Past `tMax` the rate keeps
 * following the cosine back up, as PyTorch's does; for restarts use
 * {@link CosineAnnealingWarmRestarts}.
 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax > 0)) throw new ValueError(`tMax must be positive, got ${tMax}`, 'CosineAnnealingLR');
  }
  lrAt(epoch: number, base = this.baseLr): number {
    return cosineBetween(base, this.etaMin, epoch / this.tMax);
  }
}

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface WarmRestartsOptions {
  /** Each period is this many times longer than the one before (default 1). */
  tMult?: number;
  etaMin?: number;
}

/**
 * SGDR (Loshchilov and Hutter 2017): cosine annealing from the initial
 * rate to `etaMin` over `t0` epochs, then a restart, with periods growing by
 * `tMult`. `lrAt` accepts fractional epochs, as PyTorch's `step(epoch)`.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly tMult: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer, readonly t0: number, { tMult = 1, etaMin = 0 }: WarmRestartsOptions = {}) {
    super(optimizer);
    checkPositiveInteger('CosineAnnealingWarmRestarts', 't0', t0);
    checkPositiveInteger('CosineAnnealingWarmRestarts', 'tMult', tMult);
    this.tMult = tMult;
    this.etaMin = etaMin;
  }
  lrAt(epoch: number, base = this.baseLr): number {
    let tCur: number, tI: number;
    if (this.tMult === 1) {
      tCur = epoch % this.t0;
      tI = this.t0;
    } else {
      const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
      tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
      tI = this.t0 * this.tMult ** n;
    }
    return cosineBetween(base, this.etaMin, tCur / tI);
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** Factor of the initial rate at epoch 0 (default 1/3). */
  startFactor?: number;
  /** Factor reached at `totalIters` and kept after (default 1). */
  endFactor?: number;
  /** Epochs of the ramp (default 5). */
  totalIters?: number;
}

/** Scales the rate linearly from `startFactor` to `endFactor` of the initial rate over `totalIters` epochs: the usual warm-up. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: Optimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5 }: LinearLROptions = {}) {
    super(optimizer);
    if (!(startFactor > 0 && startFactor <= 1)) throw new ValueError(`startFactor must be in (0, 1], got ${startFactor}`, 'LinearLR');
    if (!(endFactor >= 0 && endFactor <= 1)) throw new ValueError(`endFactor must be in [0, 1], got ${endFactor}`, 'LinearLR');
    checkPositiveInteger('LinearLR', 'totalIters', totalIters);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.start();
  }
  lrAt(epoch: number, base = this.baseLr): number {
    return base * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(epoch, this.totalIters)) / this.totalIters);
  }
}

/** Decays the rate as (1 − epoch/totalIters)^power, reaching 0 at `totalIters` (PyTorch's `PolynomialLR`). */
export class PolynomialLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly totalIters = 5, readonly power = 1) {
    super(optimizer);
    checkPositiveInteger('PolynomialLR', 'totalIters', totalIters);
    if (!(power > 0)) throw new ValueError(`power must be positive, got ${power}`, 'PolynomialLR');
  }
  lrAt(epoch: number, base = this.baseLr): number {
    return base * (1 - Math.min(epoch, this.totalIters) / this.totalIters) ** this.power;
  }
}

/**
 * Runs schedulers one after another: `schedulers[i]` from epoch
 * `milestones[i − 1]`, counting its own epochs from 0 there (PyTorch's
 * `SequentialLR`), e.g. a `LinearLR` warm-up then a `CosineAnnealingLR`.
 */
export class SequentialLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly schedulers: readonly LRScheduler[], readonly milestones: readonly number[]) {
    super(optimizer);
    if (schedulers.length < 1) throw new ValueError('needs at least one scheduler', 'SequentialLR');
    if (milestones.length !== schedulers.length - 1) throw new ValueError(`needs ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`, 'SequentialLR');
    milestones.forEach((m, i) => {
      if (!Number.isInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1]!)) throw new ValueError(`milestones must be increasing positive integers, got [${milestones.join(', ')}]`, 'SequentialLR');
    });
    for (const s of schedulers) if (s.optimizer !== optimizer) throw new ValueError('every scheduler must drive the same optimizer', 'SequentialLR');
    this.start();
  }
  lrAt(epoch: number, base = this.baseLr): number {
    let i = 0;
    while (i < this.milestones.length && epoch >= this.milestones[i]!) i++;
    return this.schedulers[i]!.lrAt(epoch - (i > 0 ? this.milestones[i - 1]! : 0), base);
  }
}

/** Options of {@link OneCycleLR}: give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleOptions {
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the steps spent raising the rate (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** The rate starts at maxLr / divFactor (default 25)... */
  divFactor?: number;
  /** ...and ends at that / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, back down to the start, then to the minimum) instead of two. */
  threePhase?: boolean;
  /**
   * Cycle momentum inversely to the rate, between `baseMomentum` and
   * `maxMomentum` (default true): SGD's `momentum`, or Adam's first beta.
   * Ignored for optimizers with neither.
   */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

/**
 * The 1cycle policy (Smith and Topin 2018), as PyTorch's `OneCycleLR`:
 * stepped after every batch (`interval` is `'batch'`), for `totalSteps`
 * steps. The optimizer's own rate is replaced: the cycle runs from
 * maxLr/divFactor up to `maxLr` and down to maxLr/(divFactor·finalDivFactor).
 */
export class OneCycleLR extends LRScheduler {
  override readonly interval = 'batch';
  readonly totalSteps: number;
  private readonly phases: { end: number; from: number; to: number; fromMomentum: number; toMomentum: number }[];
  private readonly anneal: (from: number, to: number, t: number) => number;
  private readonly momentumKey: 'momentum' | 'beta1' | undefined;

  constructor(optimizer: Optimizer, readonly maxLr: number, options: OneCycleOptions = {}) {
    super(optimizer);
    const { pctStart = 0.3, annealStrategy = 'cos', divFactor = 25, finalDivFactor = 1e4, threePhase = false, cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95 } = options;
    const op = 'OneCycleLR';
    if (!(maxLr > 0)) throw new ValueError(`maxLr must be positive, got ${maxLr}`, op);
    if (options.totalSteps !== undefined) {
      checkPositiveInteger(op, 'totalSteps', options.totalSteps);
      this.totalSteps = options.totalSteps;
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      checkPositiveInteger(op, 'epochs', options.epochs);
      checkPositiveInteger(op, 'stepsPerEpoch', options.stepsPerEpoch);
      this.totalSteps = options.epochs * options.stepsPerEpoch;
    } else throw new ValueError('give totalSteps, or epochs and stepsPerEpoch', op);
    if (!(pctStart > 0 && pctStart < 1)) throw new ValueError(`pctStart must be in (0, 1), got ${pctStart}`, op);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new ValueError(`annealStrategy must be 'cos' or 'linear', got '${String(annealStrategy)}'`, op);
    this.anneal = annealStrategy === 'cos' ? (from, to, t) => cosineBetween(from, to, t) : (from, to, t) => from + (to - from) * t;
    const initial = maxLr / divFactor, min = initial / finalDivFactor;
    const rise = pctStart * this.totalSteps - 1;
    this.phases = threePhase
      ? [
          { end: rise, from: initial, to: maxLr, fromMomentum: maxMomentum, toMomentum: baseMomentum },
          { end: 2 * pctStart * this.totalSteps - 2, from: maxLr, to: initial, fromMomentum: baseMomentum, toMomentum: maxMomentum },
          { end: this.totalSteps - 1, from: initial, to: min, fromMomentum: maxMomentum, toMomentum: maxMomentum },
        ]
      : [
          { end: rise, from: initial, to: maxLr, fromMomentum: maxMomentum, toMomentum: baseMomentum },
          { end: this.totalSteps - 1, from: maxLr, to: min, fromMomentum: baseMomentum, toMomentum: maxMomentum },
        ];
    const h = optimizer.defaults as Record<string, unknown>;
    this.momentumKey = !cycleMomentum ? undefined : typeof h.momentum === 'number' ? 'momentum' : typeof h.beta1 === 'number' ? 'beta1' : undefined;
    this.start();
  }

  /** The phase holding `step`, and how far into it `step` is. */
  private phaseAt(step: number): { phase: OneCycleLR['phases'][number]; t: number } {
    if (step > this.totalSteps) throw new ValueError(`stepped ${step} times, past totalSteps ${this.totalSteps}`, 'OneCycleLR');
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i]!;
      if (step <= phase.end || i === this.phases.length - 1) return { phase, t: (step - start) / (phase.end - start) };
      start = phase.end;
    }
    throw new Error('unreachable');
  }

  lrAt(step: number): number {
    const { phase, t } = this.phaseAt(step);
    return this.anneal(phase.from, phase.to, t);
  }

  /** The momentum (or Adam's first beta) for `step`, when it is cycled. */
  momentumAt(step: number): number | undefined {
    if (this.momentumKey === undefined) return undefined;
    const { phase, t } = this.phaseAt(step);
    return this.anneal(phase.fromMomentum, phase.toMomentum, t);
  }

  protected override start(): void {
    super.start();
    this.setMomentum();
  }

  override step(): void {
    super.step();
    this.setMomentum();
  }

  override loadStateDict(state: SchedulerState): void {
    super.loadStateDict(state);
    this.setMomentum();
  }

  private setMomentum(): void {
    const m = this.momentumAt(this.epoch);
    if (m !== undefined) for (const group of this.optimizer.paramGroups) (group as Record<string, unknown>)[this.momentumKey!] = m;
  }
}

/** Options of {@link ReduceLROnPlateau}. */
export interface PlateauOptions {
  /** 'min' for a loss, 'max' for an accuracy. */
  mode?: 'min' | 'max';
  factor?: number;
  /** Epochs without improvement before reducing. */
  patience?: number;
  /** Relative improvement that counts. */
  threshold?: number;
  /** Epochs to wait after a reduction. */
  cooldown?: number;
  minLr?: number;
}

/** Reduces the learning rate by `factor` when a metric stops improving for `patience` epochs. */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly cooldown: number;
  readonly minLr: number;
  best: number;
  badEpochs = 0;
  cooldownLeft = 0;

  constructor(readonly optimizer: Optimizer, { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, cooldown = 0, minLr = 0 }: PlateauOptions = {}) {
    if (!(factor > 0 && factor < 1)) throw new ValueError(`factor must be in (0, 1), got ${factor}`, 'ReduceLROnPlateau');
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.cooldown = cooldown;
    this.minLr = minLr;
    this.best = mode === 'min' ? Infinity : -Infinity;
  }

  /** Feeds the epoch's metric; reduces the learning rate when it has stalled. */
  step(metric: number): void {
    const improved = this.mode === 'min' ? metric < this.best * (1 - this.threshold) : metric > this.best * (1 + this.threshold);
    if (improved) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.patience) {
      for (const group of this.optimizer.paramGroups) group.lr = Math.max(group.lr * this.factor, this.minLr);
      this.cooldownLeft = this.cooldown;
      this.badEpochs = 0;
    }
  }

  stateDict(): SchedulerState {
    return { best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft };
  }

  loadStateDict(state: SchedulerState): void {
    this.best = state.best ?? this.best;
    this.badEpochs = state.badEpochs ?? 0;
    this.cooldownLeft = state.cooldownLeft ?? 0;
  }
}
