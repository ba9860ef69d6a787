/**
 * The `nn train` and `nn eval` commands.
 * @module
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BatchTransform, channelStats, compose, DataLoader, type ImageDataset, loadFashionMnist, loadMnist, normalizeChannels, randomCrop, randomHorizontalFlip, TensorDataset } from '@nn/data';
import { loadSafetensors } from '@nn/io';
import type { Module } from '@nn/layers-core';
import { cifarResNet, describeModel, GoogLeNet, lenet5, mlp, plainNet, vgg } from '@nn/models';
import { Adam, CosineAnnealingLR, type Optimizer, SGD } from '@nn/optim';
import { getBackend, manualSeed, NNError, withBackend } from '@nn/tensor';
import { evaluate, evaluateAsync, fit, fitAsync, plotHistory, saveCheckpoint, saveCheckpointAsync, TerminateOnNaN } from '@nn/train';
import { type EvalArgs, type ImageArch, isImageArch, type TrainArgs, UsageError } from './args.js';
import { evalCharLstm } from './char-lstm.js';
import { prepareOutDir } from './out-dir.js';

function loadData(name: 'mnist' | 'fashion-mnist', dataDir?: string): ImageDataset {
  return name === 'mnist' ? loadMnist() : loadFashionMnist(dataDir);
}

/** The configuration stored with a checkpoint, enough to rebuild the model. */
interface ModelConfig {
  arch: ImageArch;
  sizes: number[];
  activation: TrainArgs['activation'];
  data: TrainArgs['data'];
  dropout: number;
  /** Input normalisation, measured on the training split. */
  mean: number;
  std: number;
}

/** Builds the model a configuration describes. */
function build(config: ModelConfig): Module {
  const arch = config.arch;
  if (arch === 'lenet') return lenet5({ activation: config.activation });
  if (arch === 'mlp') return mlp(config.sizes, { activation: config.activation, dropout: config.dropout ?? 0 });
  if (arch === 'vgg-small') return vgg(11, { batchNorm: true, widthDivisor: 8, hidden: 128, poolSize: 1, inChannels: 1, classes: 10 });
  if (arch === 'googlenet-small') return new GoogLeNet({ batchNorm: true, widthDivisor: 8, auxLogits: false, inChannels: 1, classes: 10 });
  const depth = Number(arch.replace(/^(resnet|plain)/, ''));
  return arch.startsWith('resnet') ? cifarResNet(depth, { inChannels: 1, classes: 10 }) : plainNet(depth, { inChannels: 1, classes: 10 });
}

/** Pixels of zero padding on each side of the 28x28 images: the VGG and GoogLeNet stems halve them five times and need 32x32. */
const inputPadding = (arch: ImageArch) => (arch === 'vgg-small' || arch === 'googlenet-small' ? 2 : 0);

/** A one-line description of a configuration. */
function describe(config: ModelConfig): string {
  const extras = [config.activation, ...(config.dropout ? [`dropout ${config.dropout}`] : [])].join(', ');
  if (config.arch === 'lenet') return `lenet5 (${extras})`;
  if (config.arch === 'mlp') return `mlp ${config.sizes.join('-')} (${extras})`;
  return config.arch;
}

/** The per-batch input transform: standardisation, and padding where the model needs 32x32. */
function inputTransform(config: ModelConfig): BatchTransform {
  const normalize = normalizeChannels([config.mean], [config.std]);
  const p = inputPadding(config.arch);
  return p === 0 ? normalize : (x, random) => normalize(x, random).pad([[0, 0], [0, 0], [p, p], [p, p]]);
}

/** Where a command loads its data: on a GPU the data stays on the host (its statistics are read there) and each batch moves to the GPU when the model first uses it. */
function dataBackend(): string {
  return getBackend() === 'webgpu' ? 'cpu' : getBackend();
}

/** `nn train`: trains, prints the final test accuracy, writes checkpoint and curves. Returns the test accuracy. */
export async function train(args: TrainArgs, log: (line: string) => void = console.log): Promise<number> {
  prepareOutDir(args.out);
  for (const warning of args.ignored) log(`warning: ${warning}`);
  manualSeed(args.seed);
  const gpu = getBackend() === 'webgpu';
  const data = withBackend(dataBackend(), () => loadData(args.data, args.dataDir));
  let { images, labels } = data.train;
  if (args.trainSize !== undefined && args.trainSize < images.shape[0]!) {
    const n = args.trainSize;
    [images, labels] = withBackend(images.backend, () => [images.slice([0], [n]), labels.slice([0], [n])]);
    data.train.images.dispose();
    data.train.labels.dispose();
  }
  const stats = withBackend(images.backend, () => channelStats(images));
  const config: ModelConfig = { arch: args.arch, sizes: args.arch === 'mlp' ? [784, ...args.hidden, 10] : [], activation: args.activation, data: args.data, dropout: args.dropout, mean: stats.mean[0]!, std: stats.std[0]! };
  const model = build(config);
  const { weightDecay } = args;
  const optimizer: Optimizer = args.optimizer === 'adam' ? new Adam(model.parameters(), { lr: args.lr, weightDecay }) : new SGD(model.parameters(), { lr: args.lr, momentum: args.momentum, weightDecay });
  const scheduler = args.schedule === 'cosine' ? new CosineAnnealingLR(optimizer, args.epochs) : undefined;
  // Normalised batch by batch: a normalised copy of the whole set would double the memory the images take.
  const normalizeInputs = inputTransform(config);
  // augmentation works on the raw images (zero is the background), before standardisation
  const trainTransform = args.augment === 'crop-flip' ? compose(randomCrop(28, { padding: 2 }), randomHorizontalFlip(), normalizeInputs) : normalizeInputs;
  const trainLoader = new DataLoader(new TensorDataset(images, labels), { batchSize: args.batch, shuffle: true, seed: args.seed, transform: trainTransform });
  const testLoader = new DataLoader(new TensorDataset(data.test.images, data.test.labels), { batchSize: 500, transform: normalizeInputs });
  log(`nn train ${describe(config)} on ${args.data}: ${images.shape[0]} train / ${data.test.images.shape[0]} test samples, ${args.optimizer} lr ${args.lr}${scheduler ? ' (cosine)' : ''}${weightDecay ? `, weight decay ${weightDecay}` : ''}${args.augment !== 'none' ? `, augment ${args.augment}` : ''}, batch ${args.batch}, ${args.epochs} epochs, seed ${args.seed}`);
  const guard = new TerminateOnNaN();
  const fitOptions = { epochs: args.epochs, optimizer, scheduler, loss: 'crossEntropy' as const, validation: testLoader, callbacks: [guard] };
  const history = gpu ? await fitAsync(model, trainLoader, fitOptions) : fit(model, trainLoader, fitOptions);
  const accuracy = history.last!.valAccuracy!;
  writeFileSync(join(args.out, 'history.json'), history.toJSON());
  await plotHistory(history, join(args.out, 'curves.html'), { title: `${describe(config)} on ${args.data}` });
  if (guard.message !== undefined) throw new NNError(`${guard.message}. Wrote history.json and curves.html to ${args.out}; no checkpoint.`);
  const checkpoint = { model, optimizer, epoch: args.epochs, metadata: { 'nn.config': JSON.stringify(config), 'nn.model': describeModel(model) } };
  if (gpu) await saveCheckpointAsync(args.out, checkpoint);
  else saveCheckpoint(args.out, checkpoint);
  log(`final test accuracy: ${(accuracy * 100).toFixed(2)}% (${data.test.images.shape[0]} test samples)`);
  log(`wrote ${join(args.out, 'model.safetensors')}, optimizer.safetensors, curves.html, history.json`);
  return accuracy;
}

/**
 * `nn eval`: loads a checkpoint and evaluates it on a test split. Returns
 * loss and accuracy (for a char-lstm run, `bitsPerChar`).
 */
export async function evalCheckpoint(args: EvalArgs, log: (line: string) => void = console.log): Promise<Record<string, number>> {
  const file = join(args.dir, 'model.safetensors');
  if (!existsSync(file)) throw new UsageError(`no model.safetensors in ${args.dir} (train one with: nn train mlp --data mnist --out ${args.dir})`);
  const { tensors, metadata } = loadSafetensors(file);
  const config = JSON.parse(metadata['nn.config'] ?? 'null') as ModelConfig | { arch: 'char-lstm' } | null;
  if (config?.arch === 'char-lstm') return { bitsPerChar: evalCharLstm(args, config, tensors, log) };
  if (config === null || typeof config.arch !== 'string' || !isImageArch(config.arch)) throw new UsageError(`${file} has no nn model configuration in its metadata`);
  const model = build(config);
  model.loadStateDict(tensors);
  const dataName = args.data ?? config.data;
  const gpu = getBackend() === 'webgpu';
  const { test } = withBackend(dataBackend(), () => loadData(dataName, args.dataDir));
  const loader = new DataLoader(new TensorDataset(test.images, test.labels), { batchSize: args.batch, transform: inputTransform(config) });
  const evalOptions = { loss: 'crossEntropy' as const, metrics: ['accuracy' as const] };
  const result = gpu ? await evaluateAsync(model, loader, evalOptions) : evaluate(model, loader, evalOptions);
  log(`${args.dir}: ${describe(config)} on ${dataName} test (${test.images.shape[0]} samples): loss ${result.loss!.toFixed(4)}, accuracy ${(result.accuracy! * 100).toFixed(2)}%`);
  return result;
}
