/**
 * Learning-rate schedulers. Call `step()` once per epoch (after the
 * optimizer's steps); `ReduceLROnPlateau.step(metric)` takes the monitored
 * value.
 * @module
 */
import { ValueError } from '@nn/tensor';
import type { Optimizer } from './optimizer.js';

/** A scheduler's state, to save with a checkpoint. */
export interface SchedulerState {
  [key: string]: number;
}

/** Base of the epoch-indexed schedulers: lr = f(epoch) from the initial lr. */
export abstract class LRScheduler {
  /** The learning rate the optimizer had when the scheduler was created. */
  readonly baseLr: number;
  /** Epochs stepped so far. */
  epoch = 0;

  constructor(readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }

  /** The learning rate for `epoch`. */
  abstract lrAt(epoch: number): number;

  /** Advances one epoch and sets the optimizer's learning rate. */
  step(): void {
    this.epoch++;
    this.optimizer.lr = this.lrAt(this.epoch);
  }

  stateDict(): SchedulerState {
    return { epoch: this.epoch };
  }

  loadStateDict(state: SchedulerState): void {
    this.epoch = state.epoch ?? 0;
    this.optimizer.lr = this.lrAt(this.epoch);
  }
}

/** Multiplies the learning rate by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new ValueError(`stepSize must be a positive integer, got ${stepSize}`, 'StepLR');
  }
  lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** Multiplies the learning rate by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly gamma: number) {
    super(optimizer);
  }
  lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** epoch;
  }
}

/** Cosine annealing from the initial rate to `etaMin` over `tMax` epochs (Loshchilov and Hutter 2017, without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax > 0)) throw new ValueError(`tMax must be positive, got ${tMax}`, 'CosineAnnealingLR');
  }
  lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * Math.min(epoch, this.tMax)) / this.tMax))) / 2;
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
      this.optimizer.lr = Math.max(this.optimizer.lr * this.factor, this.minLr);
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
