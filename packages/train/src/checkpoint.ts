/**
 * Checkpoints: a directory with `model.safetensors` (a plain state dict,
 * loadable by PyTorch) and `optimizer.safetensors` (its buffers, with
 * hyperparameters, step count and the random state in the metadata), so
 * training resumes exactly.
 * @module
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors } from '@nn/io';
import type { Module } from '@nn/layers-core';
import type { Optimizer } from '@nn/optim';
import { dispose, getSeedState, NNError, setSeedState, type Tensor, toCpu } from '@nn/tensor';
import type { Callback, TrainContext } from './callbacks.js';
import type { EpochLogs } from './history.js';

/** What a checkpoint holds besides tensors. */
export interface CheckpointInfo {
  /** Epochs completed. */
  epoch: number;
  /** Free-form string metadata (model config, data set, ...). */
  metadata: Record<string, string>;
}

const MODEL_FILE = 'model.safetensors';
const OPTIMIZER_FILE = 'optimizer.safetensors';

/** Saves the model (and optimizer) to `dir`, with the global random state. */
export function saveCheckpoint(dir: string, checkpoint: { model: Module; optimizer?: Optimizer; epoch?: number; metadata?: Record<string, string> }): void {
  for (const { file, tensors, metadata } of checkpointFiles(dir, checkpoint)) saveSafetensors(file, tensors, metadata);
}

/** The checkpoint's files (the directory made): the weights with the run's metadata, and the optimizer state. */
function checkpointFiles(dir: string, { model, optimizer, epoch = 0, metadata = {} }: Parameters<typeof saveCheckpoint>[1]): { file: string; tensors: Record<string, Tensor>; metadata: Record<string, string> }[] {
  mkdirSync(dir, { recursive: true });
  const files: { file: string; tensors: Record<string, Tensor>; metadata: Record<string, string> }[] = [{ file: join(dir, MODEL_FILE), tensors: model.stateDict(), metadata: { ...metadata, 'nn.epoch': String(epoch), 'nn.seedState': String(getSeedState()) } }];
  if (optimizer) {
    const state = optimizer.stateDict();
    files.push({ file: join(dir, OPTIMIZER_FILE), tensors: state.tensors, metadata: { 'nn.optimizer': JSON.stringify({ kind: state.kind, hyperparameters: state.hyperparameters, groups: state.groups, step: state.step }) } });
  }
  return files;
}

/**
 * {@link saveCheckpoint} for a model trained on a backend that reads its
 * data asynchronously (webgpu): weights and optimizer state are first read
 * to the host.
 */
export async function saveCheckpointAsync(dir: string, checkpoint: { model: Module; optimizer?: Optimizer; epoch?: number; metadata?: Record<string, string> }): Promise<void> {
  for (const { file, tensors, metadata } of checkpointFiles(dir, checkpoint)) {
    const names = Object.keys(tensors);
    const copies = await toCpu(names.map((n) => tensors[n]!));
    try {
      saveSafetensors(file, Object.fromEntries(names.map((n, i) => [n, copies[i]!])), metadata);
    } finally {
      dispose(copies);
    }
  }
}

/**
 * Loads a checkpoint into `model` (and `optimizer`); restores the random
 * state when `restoreRandomState` (default true) so the run continues as if
 * never interrupted.
 */
export function loadCheckpoint(dir: string, { model, optimizer, restoreRandomState = true }: { model: Module; optimizer?: Optimizer; restoreRandomState?: boolean }): CheckpointInfo {
  const modelFile = join(dir, MODEL_FILE);
  if (!existsSync(modelFile)) throw new NNError(`loadCheckpoint: no ${MODEL_FILE} in ${dir}`);
  const { tensors, metadata } = loadSafetensors(modelFile);
  model.loadStateDict(tensors);
  for (const t of Object.values(tensors)) t.dispose();
  if (optimizer) {
    const { tensors: buffers, metadata: om } = loadSafetensors(join(dir, OPTIMIZER_FILE));
    const header = JSON.parse(om['nn.optimizer'] ?? 'null');
    if (header === null) throw new NNError(`loadCheckpoint: ${OPTIMIZER_FILE} in ${dir} has no optimizer header`);
    optimizer.loadStateDict({ ...header, tensors: buffers });
    for (const t of Object.values(buffers)) t.dispose();
  }
  if (restoreRandomState && metadata['nn.seedState'] !== undefined) setSeedState(Number(metadata['nn.seedState']));
  return { epoch: Number(metadata['nn.epoch'] ?? 0), metadata };
}

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointOptions {
  /** Directory to write to. */
  dir: string;
  /** Save only when `monitor` improves (default false: every epoch). */
  saveBestOnly?: boolean;
  monitor?: string;
  mode?: 'min' | 'max';
  /** Extra metadata stored with the model. */
  metadata?: Record<string, string>;
}

/** Saves a checkpoint at the end of epochs (every one, or the best by a monitored value). */
export class ModelCheckpoint implements Callback {
  private best = NaN;
  constructor(readonly options: ModelCheckpointOptions) {}

  onEpochEnd(logs: EpochLogs, ctx: TrainContext): void {
    const { dir, saveBestOnly = false, monitor = 'valLoss' in logs ? 'valLoss' : 'loss', metadata = {} } = this.options;
    if (saveBestOnly) {
      const value = logs[monitor]!;
      const maximize = (this.options.mode ?? (/acc|top/i.test(monitor) ? 'max' : 'min')) === 'max';
      if (!Number.isNaN(this.best) && !(maximize ? value > this.best : value < this.best)) return;
      this.best = value;
    }
    saveCheckpoint(dir, { model: ctx.model, optimizer: ctx.optimizer, epoch: logs.epoch + 1, metadata });
  }
}
