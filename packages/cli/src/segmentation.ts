/**
 * `nn train fcn8s|fcn16s|fcn32s|deconvnet --data mnist-seg|fashion-seg` and
 * `nn predict DIR --images ...`: semantic segmentation on canvases composed
 * from real digits or Fashion-MNIST items.
 * @module
 */
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { channelStats, composeJoint, composeSegmentation, DataLoader, FASHION_MNIST_CLASSES, jointRandomCrop, jointRandomFlip, loadFashionMnist, loadMnist, maskToPng, readPngImages, type SegmentationSplit, TensorDataset } from '@nn/data';
import { loadSafetensors } from '@nn/io';
import { crossEntropy, type Module } from '@nn/layers-core';
import { DeconvNet, describeModel, FCN } from '@nn/models';
import { Adam, CosineAnnealingLR, type Optimizer, SGD } from '@nn/optim';
import { manualSeed, NNError, type Tensor } from '@nn/tensor';
import { fit, plotHistory, predict, saveCheckpoint, segmentationGrid, SegmentationMetrics, TerminateOnNaN } from '@nn/train';
import { number, oneOf, parse, seedOf, UsageError, weightDecayOf } from './args.js';
import { prepareOutDir } from './out-dir.js';

/** The segmentation nets `nn train` builds. */
export const SEGMENTATION_ARCHS = ['fcn32s', 'fcn16s', 'fcn8s', 'deconvnet'] as const;
/** One of {@link SEGMENTATION_ARCHS}. */
export type SegmentationArch = (typeof SEGMENTATION_ARCHS)[number];

/** True when `name` is a segmentation net. */
export function isSegmentationArch(name: string | undefined): name is SegmentationArch {
  return (SEGMENTATION_ARCHS as readonly string[]).includes(name ?? '');
}

/** Options of `nn train` for a segmentation net. */
export interface SegmentationTrainArgs {
  arch: SegmentationArch;
  data: 'mnist-seg' | 'fashion-seg';
  dataDir: string | undefined;
  /** Canvases composed from the train and test splits. */
  trainSize: number;
  testSize: number;
  /** Canvas side. */
  size: number;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  weightDecay: number;
  schedule: 'none' | 'cosine';
  /** FCN: stepwise (the paper) or one-step upsampling. */
  upsampling: 'stepwise' | 'one-step';
  /** DeconvNet: learned deconvolution (the paper) or fixed bilinear decoder. */
  decoder: 'deconv' | 'bilinear';
  /** crop-flip: the same random crop (of the canvas padded by 4) and flip for image and mask. */
  augment: 'none' | 'crop-flip';
  seed: number;
  out: string;
}

/** The configuration stored with a checkpoint, enough to rebuild the net. */
export interface SegmentationConfig {
  arch: SegmentationArch;
  data: SegmentationTrainArgs['data'];
  upsampling: SegmentationTrainArgs['upsampling'];
  decoder: SegmentationTrainArgs['decoder'];
  size: number;
  classes: string[];
  mean: number;
  std: number;
  /** The run's seed and test canvases (absent in runs before 2026-12-03: 1 and 500, the defaults). */
  seed?: number;
  testSize?: number;
}

/** The encoder that trains on two CPU cores: VGG-16's stages at 1/8 width (8 to 64 channels), fc 128. */
export const SMALL_BACKBONE = { widths: [8, 16, 32, 64, 64], fcWidth: 128 } as const;

/** Builds the net of a configuration: FCNs with batch norm and 'same' alignment, DeconvNet with fc6 1x1 (pool5 is 2x2 at 64x64). */
export function buildSegmentation(config: SegmentationConfig): Module {
  const classes = config.classes.length;
  if (config.arch === 'deconvnet') return new DeconvNet({ backbone: SMALL_BACKBONE, classes, inChannels: 1, fcKernel: 1, decoder: config.decoder });
  const variant = config.arch.slice(3) as '32s' | '16s' | '8s';
  return new FCN({ variant, backbone: SMALL_BACKBONE, classes, inChannels: 1, batchNorm: true, alignment: 'same', fcKernel: 3, upsampling: config.upsampling, dropout: 0.1 });
}

/** Parses the arguments after `nn train` for a segmentation net. */
export function parseSegmentationArgs(args: string[]): SegmentationTrainArgs {
  const { values, positionals } = parse(args, {
    data: { type: 'string' },
    'data-dir': { type: 'string' },
    'train-size': { type: 'string' },
    'test-size': { type: 'string' },
    size: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    optimizer: { type: 'string' },
    momentum: { type: 'string' },
    'weight-decay': { type: 'string' },
    schedule: { type: 'string' },
    upsampling: { type: 'string' },
    decoder: { type: 'string' },
    augment: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
  });
  const v = values as Record<string, string | undefined>;
  const arch = positionals[0];
  if (positionals.length !== 1 || !isSegmentationArch(arch)) throw new UsageError(`nn train takes one segmentation model: ${SEGMENTATION_ARCHS.join(', ')}, got '${positionals.join(' ')}'`);
  if (arch === 'deconvnet' && v.upsampling !== undefined) throw new UsageError('--upsampling applies to the FCNs; deconvnet takes --decoder deconv|bilinear');
  if (arch !== 'deconvnet' && v.decoder !== undefined) throw new UsageError(`--decoder applies to deconvnet; ${arch} takes --upsampling stepwise|one-step`);
  const optimizer = oneOf('optimizer', v.optimizer, ['sgd', 'adam'] as const, 'adam');
  const momentum = v.momentum === undefined ? 0.9 : Number(v.momentum);
  if (!(momentum >= 0 && momentum < 1)) throw new UsageError(`--momentum must be in [0, 1), got '${v.momentum}'`);
  const size = number('size', v.size, 64, true);
  if (size < 32) throw new UsageError(`--size must be at least 32 (the nets' total stride), got ${size}`);
  return {
    arch,
    data: oneOf('data', v.data, ['mnist-seg', 'fashion-seg'] as const),
    dataDir: v['data-dir'],
    trainSize: number('train-size', v['train-size'], 4000, true),
    testSize: number('test-size', v['test-size'], 500, true),
    size,
    epochs: number('epochs', v.epochs, 5, true),
    batch: number('batch', v.batch, 16, true),
    lr: number('lr', v.lr, optimizer === 'adam' ? 0.01 : 0.05),
    optimizer,
    momentum,
    weightDecay: weightDecayOf(v['weight-decay']),
    schedule: oneOf('schedule', v.schedule, ['none', 'cosine'] as const, 'cosine'),
    upsampling: oneOf('upsampling', v.upsampling, ['stepwise', 'one-step'] as const, 'stepwise'),
    decoder: oneOf('decoder', v.decoder, ['deconv', 'bilinear'] as const, 'deconv'),
    augment: oneOf('augment', v.augment, ['none', 'crop-flip'] as const, 'none'),
    seed: seedOf(v.seed),
    out: v.out ?? 'runs/segmentation',
  };
}

/** Where the canvases of a run come from. */
export type CanvasSource = Pick<SegmentationTrainArgs, 'data' | 'dataDir' | 'size' | 'seed'>;

/** The class names of a composed set: background, then the items' classes. */
function classNames(data: SegmentationTrainArgs['data']): string[] {
  return ['background', ...(data === 'mnist-seg' ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] : FASHION_MNIST_CLASSES)];
}

/** `count` canvases composed from one split: train canvases from the train split, test canvases (another seed) from the test split. */
export function composedCanvases(source: CanvasSource, split: 'train' | 'test', count: number): SegmentationSplit {
  const items = source.data === 'mnist-seg' ? loadMnist() : loadFashionMnist(source.dataDir);
  const size = source.size;
  const canvases = composeSegmentation(items[split], { count, size, seed: split === 'train' ? source.seed : source.seed + 1_000_003, scale: [Math.min(0.8, size / 28), Math.min(1.6, size / 28)] });
  for (const t of [items.train.images, items.train.labels, items.test.images, items.test.labels]) t.dispose();
  return canvases;
}

/** A trained segmentation run: its net (weights loaded) and configuration. */
export function loadSegmentationRun(dir: string): { model: Module; config: SegmentationConfig } {
  const file = join(dir, 'model.safetensors');
  if (!existsSync(file)) throw new UsageError(`no model.safetensors in ${dir} (train one with: nn train fcn8s --data mnist-seg --out ${dir})`);
  const { tensors, metadata } = loadSafetensors(file);
  const config = JSON.parse(metadata['nn.config'] ?? 'null') as SegmentationConfig | null;
  if (config === null || !isSegmentationArch(config.arch)) throw new UsageError(`${file} holds no segmentation net (fcn8s, fcn16s, fcn32s and deconvnet runs do)`);
  const model = buildSegmentation(config);
  model.loadStateDict(tensors);
  return { model, config };
}

/** A one-line name of a configuration. */
export function describeSegmentation(config: SegmentationConfig): string {
  if (config.arch === 'deconvnet') return config.decoder === 'deconv' ? 'deconvnet' : 'deconvnet (bilinear decoder)';
  return config.upsampling === 'one-step' && config.arch !== 'fcn32s' ? `${config.arch} (one-step upsampling)` : config.arch;
}

/** Standardises a batch of canvases with the training statistics. */
export const standardise = (config: SegmentationConfig) => (x: Tensor) => x.sub(config.mean).div(config.std);

/** Pixels per test batch. */
const EVAL_BATCH = 50;

/**
 * `nn train fcn8s ...`: trains on composed canvases with per-pixel
 * cross-entropy, reports the four FCN metrics on the test canvases, writes
 * the checkpoint, the curves, history.json and a picture of test canvases,
 * their ground truth and the predicted masks. Returns the final test metrics.
 */
export async function trainSegmentation(args: SegmentationTrainArgs, log: (line: string) => void = console.log): Promise<Record<string, number>> {
  prepareOutDir(args.out);
  manualSeed(args.seed);
  const train = composedCanvases(args, 'train', args.trainSize);
  const test = composedCanvases(args, 'test', args.testSize);
  const classes = classNames(args.data);
  const stats = channelStats(train.images);
  const [mean, std] = [stats.mean[0]!, stats.std[0]!];
  const config: SegmentationConfig = { arch: args.arch, data: args.data, upsampling: args.upsampling, decoder: args.decoder, size: args.size, classes, mean, std, seed: args.seed, testSize: args.testSize };
  const model = buildSegmentation(config);
  const optimizer: Optimizer = args.optimizer === 'adam' ? new Adam(model.parameters(), { lr: args.lr, weightDecay: args.weightDecay }) : new SGD(model.parameters(), { lr: args.lr, momentum: args.momentum, weightDecay: args.weightDecay });
  const scheduler = args.schedule === 'cosine' ? new CosineAnnealingLR(optimizer, args.epochs) : undefined;
  const transform = standardise(config);
  const jointTransform = args.augment === 'crop-flip' ? composeJoint(jointRandomCrop(args.size, { padding: 4 }), jointRandomFlip()) : undefined;
  const trainLoader = new DataLoader(new TensorDataset(train.images, train.masks), { batchSize: args.batch, shuffle: true, seed: args.seed, transform, jointTransform });
  const testLoader = new DataLoader(new TensorDataset(test.images, test.masks), { batchSize: EVAL_BATCH, transform });
  const params = model.parameters().reduce((n, p) => n + p.size, 0);
  log(`nn train ${describeSegmentation(config)} on ${args.data}: ${args.trainSize} train / ${args.testSize} test canvases of ${args.size}x${args.size}, ${classes.length} classes, ${params.toLocaleString('en-US')} parameters, ${args.optimizer} lr ${args.lr}${scheduler ? ' (cosine)' : ''}, batch ${args.batch}, ${args.epochs} epochs, seed ${args.seed}`);
  const guard = new TerminateOnNaN();
  const started = performance.now();
  const history = fit(model, trainLoader, {
    epochs: args.epochs,
    optimizer,
    scheduler,
    loss: (output, target) => crossEntropy(output, target, { ignoreIndex: 255 }),
    metrics: [new SegmentationMetrics(classes.length)],
    validation: testLoader,
    callbacks: [guard],
  });
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(join(args.out, 'history.json'), history.toJSON());
  const title = `${describeSegmentation(config)} on ${args.data}`;
  if (guard.message !== undefined) {
    await plotHistory(history, join(args.out, 'curves.html'), { title });
    throw new NNError(`${guard.message}. Wrote history.json and curves.html to ${args.out}; no checkpoint.`);
  }
  saveCheckpoint(args.out, { model, optimizer, epoch: args.epochs, metadata: { 'nn.config': JSON.stringify(config), 'nn.model': describeModel(model) } });
  const last = history.last!;
  const result = { pixelAccuracy: last.valPixelAccuracy!, meanAccuracy: last.valMeanAccuracy!, meanIU: last.valMeanIU!, frequencyWeightedIU: last.valFrequencyWeightedIU! };
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  log(`test (${args.testSize} canvases): pixel accuracy ${pct(result.pixelAccuracy)}, mean accuracy ${pct(result.meanAccuracy)}, mean IU ${pct(result.meanIU)}, frequency-weighted IU ${pct(result.frequencyWeightedIU)} (${seconds.toFixed(0)} s)`);
  const picture = predictionsPicture(model, config, test);
  writeFileSync(join(args.out, 'predictions.png'), picture);
  await plotHistory(history, join(args.out, 'curves.html'), { title, figures: [{ caption: `${describeSegmentation(config)}: test canvases, their ground truth and the predicted masks`, png: picture }] });
  log(`wrote ${join(args.out, 'model.safetensors')}, optimizer.safetensors, curves.html (with the picture), history.json, predictions.png`);
  return result;
}

/** The first test canvases, their truth and the model's masks, as a PNG grid. */
function predictionsPicture(model: Module, config: SegmentationConfig, test: SegmentationSplit, rows = 6): Buffer {
  const n = Math.min(rows, test.images.shape[0]!);
  const images = test.images.slice([0], [n]);
  const masks = predict(model, standardise(config)(images)).argmax(1);
  const name = describeSegmentation(config);
  return segmentationGrid(
    Array.from({ length: n }, (_, i) => ({ image: images.index(i), truth: test.masks.index(i), predictions: [masks.index(i)] })),
    { classes: config.classes, columns: [name], title: `${name} on ${config.data} test canvases` },
  );
}

/** Options of `nn predict`. */
export interface PredictArgs {
  dir: string;
  images: string[];
  out: string;
}

/** Parses the arguments after `nn predict`. */
export function parsePredictArgs(args: string[]): PredictArgs {
  const { values, positionals } = parse(args, { images: { type: 'string', multiple: true }, out: { type: 'string' } });
  const v = values as { images?: string[]; out?: string };
  if (positionals.length !== 1) throw new UsageError('nn predict takes one run directory (nn predict DIR --images FILE|DIR ... --out DIR)');
  if (!v.images?.length) throw new UsageError('--images FILE|DIR is required (PNG images, or directories of them)');
  return { dir: positionals[0]!, images: v.images, out: v.out ?? join(positionals[0]!, 'masks') };
}

/** `nn predict`: runs a trained segmentation net on PNG images and writes one colour-coded mask PNG per image. Returns the files written. */
export function predictMasks(args: PredictArgs, log: (line: string) => void = console.log): string[] {
  const { model, config } = loadSegmentationRun(args.dir);
  const { images, files } = readPngImages(args.images, 1);
  const masks = predict(model, standardise(config)(images), { batchSize: 8 }).argmax(1);
  prepareOutDir(args.out);
  const written = files.map((f, i) => {
    const outFile = join(args.out, basename(f));
    writeFileSync(outFile, maskToPng(masks.index(i)));
    return outFile;
  });
  log(`${describeSegmentation(config)}: wrote ${written.length} mask${written.length === 1 ? '' : 's'} to ${args.out} (colours: PASCAL VOC's palette; classes ${config.classes.map((c, i) => `${i} ${c}`).join(', ')})`);
  return written;
}
