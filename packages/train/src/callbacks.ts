/**
 * Callbacks: hooks into `fit`, and the early-stopping one.
 * @module
 */
import type { Module } from '@nn/layers-core';
import type { Optimizer } from '@nn/optim';
import { keep, type Tensor, ValueError } from '@nn/tensor';
import type { EpochLogs, History } from './history.js';

/** What callbacks can see and do during `fit`. */
export interface TrainContext {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly epochs: number;
  /** Batches per epoch. */
  readonly batchesPerEpoch: number;
  /** Samples per epoch. */
  readonly samplesPerEpoch: number;
  readonly history: History;
  /**
   * Ask `fit` to stop. Called from `onBatchEnd`, it stops after that batch
   * (the epoch's logs then cover the batches run); from `onEpochEnd`, before
   * the next epoch.
   */
  stop(): void;
}

/** Per-batch logs: the running means of the epoch so far. */
export interface BatchLogs {
  batch: number;
  /** Samples seen so far in this epoch. */
  seen: number;
  loss: number;
  [metric: string]: number;
}

/** Hooks into the training loop; implement any subset. */
export interface Callback {
  onTrainBegin?(ctx: TrainContext): void;
  onEpochBegin?(epoch: number, ctx: TrainContext): void;
  onBatchEnd?(logs: BatchLogs, ctx: TrainContext): void;
  onEpochEnd?(logs: EpochLogs, ctx: TrainContext): void;
  onTrainEnd?(ctx: TrainContext): void;
}

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** The logged value to watch (default `valLoss`, else `loss`). */
  monitor?: string;
  /** Epochs without improvement before stopping. */
  patience?: number;
  /** Smallest change that counts as improvement. */
  minDelta?: number;
  /** 'min' for losses, 'max' for accuracies; 'auto' decides from the name. */
  mode?: 'min' | 'max' | 'auto';
  /** Put back the best epoch's weights when stopping. */
  restoreBestWeights?: boolean;
}

/** Stops training when a monitored value has not improved for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string | undefined;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max' | 'auto';
  readonly restoreBestWeights: boolean;
  /** Epoch at which training was stopped, if it was. */
  stoppedEpoch: number | undefined;
  /** The best monitored value. */
  best = NaN;
  bestEpoch = -1;
  private wait = 0;
  private bestWeights: Record<string, Tensor> | undefined;

  constructor({ monitor, patience = 3, minDelta = 0, mode = 'auto', restoreBestWeights = false }: EarlyStoppingOptions = {}) {
    if (!Number.isInteger(patience) || patience < 0) throw new ValueError(`patience must be a non-negative integer, got ${patience}`, 'EarlyStopping');
    this.monitor = monitor;
    this.patience = patience;
    this.minDelta = Math.abs(minDelta);
    this.mode = mode;
    this.restoreBestWeights = restoreBestWeights;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.best = NaN;
    this.bestEpoch = -1;
    this.stoppedEpoch = undefined;
  }

  onEpochEnd(logs: EpochLogs, ctx: TrainContext): void {
    const key = this.monitor ?? ('valLoss' in logs ? 'valLoss' : 'loss');
    const value = logs[key];
    if (value === undefined) throw new ValueError(`monitored value '${key}' is not logged (logged: ${Object.keys(logs).join(', ')})`, 'EarlyStopping');
    const maximize = this.mode === 'max' || (this.mode === 'auto' && /acc|top/i.test(key));
    const improved = Number.isNaN(this.best) || (maximize ? value > this.best + this.minDelta : value < this.best - this.minDelta);
    if (improved) {
      this.best = value;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      if (this.restoreBestWeights) {
        for (const t of Object.values(this.bestWeights ?? {})) t.dispose();
        this.bestWeights = Object.fromEntries(Object.entries(ctx.model.stateDict()).map(([k, t]) => [k, keep(t.clone())]));
      }
    } else if (++this.wait > this.patience) {
      this.stoppedEpoch = logs.epoch;
      ctx.stop();
    }
  }

  onTrainEnd(ctx: TrainContext): void {
    if (this.restoreBestWeights && this.bestWeights && this.stoppedEpoch !== undefined) ctx.model.loadStateDict(this.bestWeights);
    for (const t of Object.values(this.bestWeights ?? {})) t.dispose();
    this.bestWeights = undefined;
  }
}

/**
 * Stops training at the first batch whose loss is NaN or infinite (Keras's
 * `TerminateOnNaN`): nothing more is learnt once the weights are NaN.
 * After `fit` returns, {@link TerminateOnNaN.stoppedAt} says where, and
 * {@link TerminateOnNaN.message} says it in words.
 */
export class TerminateOnNaN implements Callback {
  /** Where the loss stopped being finite, if it did (epoch and batch count from 0). */
  stoppedAt: { epoch: number; batch: number; loss: number } | undefined;
  private epoch = 0;

  onTrainBegin(): void {
    this.stoppedAt = undefined;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(logs: BatchLogs, ctx: TrainContext): void {
    if (Number.isFinite(logs.loss) || this.stoppedAt) return;
    this.stoppedAt = { epoch: this.epoch, batch: logs.batch, loss: logs.loss };
    ctx.stop();
  }

  /** A sentence for the user, or `undefined` when training was not stopped. */
  get message(): string | undefined {
    if (!this.stoppedAt) return undefined;
    const { epoch, batch, loss } = this.stoppedAt;
    return `training stopped: the loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1}; the weights are no longer finite (a learning rate too high is the usual cause)`;
  }
}
