/**
 * Residual networks (He, Zhang, Ren and Sun 2016): the ImageNet ResNets in
 * torchvision's layout (basic and bottleneck blocks, projection shortcuts
 * where the shape changes), so a torchvision `state_dict()` maps onto them
 * key by key, and the paper's CIFAR ResNets (section 4.2: 6n+2 layers,
 * identity shortcuts with zero-padded channels, "option A") with their
 * plain counterparts.
 * @module
 */
import { ReLU } from '@nn/activations';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, convBatchNorm, MaxPool2d } from '@nn/layers-conv';
import { init, Linear, Module, Sequential, type StateDict } from '@nn/layers-core';
import { noGrad } from '@nn/autograd';
import { fmtShape, ShapeError, type Tensor, ValueError } from '@nn/tensor';

/** A 3x3 convolution without bias (padding 1), as torchvision's `conv3x3`. */
const conv3x3 = (inC: number, outC: number, stride = 1) => new Conv2d(inC, outC, 3, { stride, padding: 1, bias: false });
/** A 1x1 convolution without bias, as torchvision's `conv1x1`. */
const conv1x1 = (inC: number, outC: number, stride = 1) => new Conv2d(inC, outC, 1, { stride, bias: false });

/** The activation the blocks fuse into their convolutions. */
const RELU = { op: 'relu' } as const;

/** y = relu(x + residual): the block's output, the one place the shortcut joins. */
function addRelu(x: Tensor, shortcut: Tensor, block: string): Tensor {
  if (fmtShape(x.shape) !== fmtShape(shortcut.shape)) {
    throw new ShapeError(`the residual branch gives ${fmtShape(x.shape)} but the shortcut ${fmtShape(shortcut.shape)}`, block);
  }
  return x.add(shortcut).relu();
}

/** ResNet-18/34's block: two 3x3 convolutions, each with batch norm, and the shortcut. */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  /** The projection shortcut (1x1 convolution and batch norm) where the shape changes; null for identity. */
  downsample: Sequential | null;

  constructor(readonly inPlanes: number, readonly planes: number, readonly stride = 1) {
    super();
    this.conv1 = conv3x3(inPlanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = stride !== 1 || inPlanes !== planes ? new Sequential(conv1x1(inPlanes, planes, stride), new BatchNorm2d(planes)) : null;
  }

  forward(x: Tensor): Tensor {
    const y = convBatchNorm(this.conv2, this.bn2, convBatchNorm(this.conv1, this.bn1, x, RELU));
    return addRelu(y, this.downsample ? this.downsample.call(x) : x, 'BasicBlock');
  }
}

/** ResNet-50/101/152's block: 1x1 (reduce), 3x3 (with the stride, as torchvision's v1.5), 1x1 (expand by 4). */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  downsample: Sequential | null;

  constructor(readonly inPlanes: number, readonly planes: number, readonly stride = 1) {
    super();
    const out = planes * Bottleneck.expansion;
    this.conv1 = conv1x1(inPlanes, planes);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes, stride);
    this.bn2 = new BatchNorm2d(planes);
    this.conv3 = conv1x1(planes, out);
    this.bn3 = new BatchNorm2d(out);
    this.downsample = stride !== 1 || inPlanes !== out ? new Sequential(conv1x1(inPlanes, out, stride), new BatchNorm2d(out)) : null;
  }

  forward(x: Tensor): Tensor {
    let y = convBatchNorm(this.conv1, this.bn1, x, RELU);
    y = convBatchNorm(this.conv2, this.bn2, y, RELU);
    y = convBatchNorm(this.conv3, this.bn3, y);
    return addRelu(y, this.downsample ? this.downsample.call(x) : x, 'Bottleneck');
  }
}

/** The ImageNet depths and their blocks per stage. */
export const RESNET_DEPTHS = {
  18: ['basic', [2, 2, 2, 2]],
  34: ['basic', [3, 4, 6, 3]],
  50: ['bottleneck', [3, 4, 6, 3]],
  101: ['bottleneck', [3, 4, 23, 3]],
  152: ['bottleneck', [3, 8, 36, 3]],
} as const;

/** Blocks per stage (`layer1`, `layer2`, ...) in a state dict: one more than the highest block index under each. */
function blocksPerStage(dict: StateDict, stages: number): number[] {
  return Array.from({ length: stages }, (_, s) => {
    const prefix = `layer${s + 1}.`;
    let most = -1;
    for (const key of Object.keys(dict)) if (key.startsWith(prefix)) most = Math.max(most, Number(key.slice(prefix.length).split('.')[0]));
    return most + 1;
  });
}

/** Options of {@link ResNet}. */
export interface ResNetOptions {
  /** 18, 34, 50, 101 or 152. */
  depth: keyof typeof RESNET_DEPTHS;
  /** Classes (default 1000). */
  classes?: number;
  /** Input channels (default 3). */
  inChannels?: number;
}

/** He et al. initialisation as torchvision does it: Kaiming normal (fan-out, ReLU) convolutions, batch norm 1 and 0. */
function initialise(model: Module): void {
  noGrad(() => {
    for (const [, m] of model.namedModules()) {
      if (m instanceof Conv2d) m.weight.assign(init.kaimingNormal(m.weight.shape, { mode: 'fanOut', nonlinearity: 'relu' }));
    }
  });
}

/**
 * The ImageNet ResNet in torchvision's layout: `conv1` 7x7/2, `bn1`, ReLU,
 * `maxpool` 3x3/2, `layer1`..`layer4` (64, 128, 256, 512 planes, the last
 * three starting with stride 2), global average pooling, `fc`. 11,689,512
 * parameters for ResNet-18, 25,557,032 for ResNet-50.
 */
export class ResNet extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU();
  maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool = new AdaptiveAvgPool2d(1);
  fc: Linear;
  readonly options: Required<ResNetOptions>;

  constructor(options: ResNetOptions) {
    super();
    const { depth, classes = 1000, inChannels = 3 } = options;
    const spec = RESNET_DEPTHS[depth];
    if (spec === undefined) throw new ValueError(`depth must be one of ${Object.keys(RESNET_DEPTHS).join(', ')}, got ${String(depth)}`, 'ResNet');
    this.options = { depth, classes, inChannels };
    const [kind, counts] = spec;
    const Block = kind === 'basic' ? BasicBlock : Bottleneck;
    this.conv1 = new Conv2d(inChannels, 64, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(64);
    let inPlanes = 64;
    const stage = (planes: number, blocks: number, stride: number) => {
      const layers: Module[] = [];
      for (let i = 0; i < blocks; i++) {
        layers.push(new Block(inPlanes, planes, i === 0 ? stride : 1));
        inPlanes = planes * Block.expansion;
      }
      return new Sequential(...layers);
    };
    this.layer1 = stage(64, counts[0], 1);
    this.layer2 = stage(128, counts[1], 2);
    this.layer3 = stage(256, counts[2], 2);
    this.layer4 = stage(512, counts[3], 2);
    this.fc = new Linear(512 * Block.expansion, classes);
    initialise(this);
  }

  /** `ResNet-18`, ...: the paper's name. */
  get name(): string {
    return `ResNet-${this.options.depth}`;
  }

  /** Which ResNet a dict that does not fit comes from: its blocks per stage and their kind. */
  protected override stateDictHint(dict: StateDict): string | undefined {
    const counts = blocksPerStage(dict, 4);
    const kind = Object.keys(dict).some((k) => /^layer\d+\.\d+\.conv3\./.test(k)) ? 'bottleneck' : 'basic';
    const [ownKind, ownCounts] = RESNET_DEPTHS[this.options.depth];
    if (kind === ownKind && counts.every((c, i) => c === ownCounts[i])) return undefined;
    const depth = Object.entries(RESNET_DEPTHS).find(([, [k, c]]) => k === kind && c.every((n, i) => n === counts[i]))?.[0];
    return `the dict has ${counts.join(', ')} ${kind} blocks per stage${depth ? ` (ResNet-${depth})` : ''}, ${this.name} has ${ownCounts.join(', ')} ${ownKind} blocks${depth ? `: load it into resnet${depth}()` : ''}`;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.options.inChannels) {
      throw new ShapeError(`expects [N, ${this.options.inChannels}, H, W] input, got ${fmtShape(x.shape)}`, this.name);
    }
    // the ReLU module runs through its call when it has hooks; else it joins the folded convolution
    const stem = this.relu.hasForwardHooks() ? this.relu.call(convBatchNorm(this.conv1, this.bn1, x)) : convBatchNorm(this.conv1, this.bn1, x, RELU);
    let y = this.maxpool.call(stem);
    y = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(y))));
    return this.fc.call(this.avgpool.call(y).flatten(1));
  }
}

/** ResNet-18 (torchvision layout). */
export const resnet18 = (options: Omit<ResNetOptions, 'depth'> = {}) => new ResNet({ ...options, depth: 18 });
/** ResNet-34 (torchvision layout). */
export const resnet34 = (options: Omit<ResNetOptions, 'depth'> = {}) => new ResNet({ ...options, depth: 34 });
/** ResNet-50 (torchvision layout). */
export const resnet50 = (options: Omit<ResNetOptions, 'depth'> = {}) => new ResNet({ ...options, depth: 50 });
/** ResNet-101 (torchvision layout). */
export const resnet101 = (options: Omit<ResNetOptions, 'depth'> = {}) => new ResNet({ ...options, depth: 101 });
/** ResNet-152 (torchvision layout). */
export const resnet152 = (options: Omit<ResNetOptions, 'depth'> = {}) => new ResNet({ ...options, depth: 152 });

// ------------------------------------------------------------ CIFAR nets

/**
 * The CIFAR block of the paper's section 4.2: two 3x3 convolutions with
 * batch norm; with `residual`, the shortcut is the identity, and where the
 * shape changes it subsamples by 2 and pads the new channels with zeros
 * (option A, no parameters). Without it the block is a plain stack.
 */
export class CifarBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;

  constructor(readonly inPlanes: number, readonly planes: number, readonly stride: number, readonly residual: boolean) {
    super();
    this.conv1 = conv3x3(inPlanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
  }

  forward(x: Tensor): Tensor {
    const y = convBatchNorm(this.conv2, this.bn2, convBatchNorm(this.conv1, this.bn1, x, RELU));
    if (!this.residual) return y.relu();
    return addRelu(y, this.shortcut(x), 'CifarBlock');
  }

  /** Option A: x[:, :, ::s, ::s] with (planes − inPlanes) zero channels, split evenly before and after. */
  private shortcut(x: Tensor): Tensor {
    if (this.stride === 1 && this.inPlanes === this.planes) return x;
    const s = this.stride;
    const sub = s === 1 ? x : x.index(null, null, [0, null, s], [0, null, s]);
    const extra = this.planes - this.inPlanes;
    return sub.pad([[0, 0], [Math.floor(extra / 2), extra - Math.floor(extra / 2)], [0, 0], [0, 0]]);
  }
}

/** Options of {@link CifarResNet}. */
export interface CifarResNetOptions {
  /** 6n + 2 layers: 20, 32, 44, 56, 110, ... */
  depth: number;
  /** With identity shortcuts (default) or the plain net of the same depth. */
  residual?: boolean;
  /** Classes (default 10). */
  classes?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /** Channels of the three stages (default [16, 32, 64], the paper's). */
  widths?: readonly [number, number, number];
}

/**
 * The paper's CIFAR-10 network (section 4.2): a 3x3 convolution to 16
 * channels, three stages of n blocks at 16, 32 and 64 channels (the last two
 * starting with stride 2), global average pooling and a fully connected
 * layer: 6n + 2 weighted layers. ResNet-20 has 269,722 parameters for
 * 3-channel input and 10 classes; the plain nets have the same.
 */
export class CifarResNet extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  fc: Linear;
  readonly options: Required<CifarResNetOptions>;

  constructor(options: CifarResNetOptions) {
    super();
    const { depth, residual = true, classes = 10, inChannels = 3, widths = [16, 32, 64] } = options;
    if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0) throw new ValueError(`depth must be 6n + 2 (20, 32, 44, 56, 110, ...), got ${depth}`, 'CifarResNet');
    this.options = { depth, residual, classes, inChannels, widths };
    const n = (depth - 2) / 6;
    this.conv1 = conv3x3(inChannels, widths[0]);
    this.bn1 = new BatchNorm2d(widths[0]);
    let inPlanes = widths[0];
    const stage = (planes: number, stride: number) => {
      const blocks: Module[] = [];
      for (let i = 0; i < n; i++) {
        blocks.push(new CifarBlock(inPlanes, planes, i === 0 ? stride : 1, residual));
        inPlanes = planes;
      }
      return new Sequential(...blocks);
    };
    this.layer1 = stage(widths[0], 1);
    this.layer2 = stage(widths[1], 2);
    this.layer3 = stage(widths[2], 2);
    this.fc = new Linear(widths[2], classes);
    initialise(this);
  }

  /** `resnet20`, `plain56`, ...: the name the paper's tables use. */
  get name(): string {
    return `${this.options.residual ? 'resnet' : 'plain'}${this.options.depth}`;
  }

  /** Which CIFAR net a dict that does not fit comes from: its blocks per stage give its depth. */
  protected override stateDictHint(dict: StateDict): string | undefined {
    const counts = blocksPerStage(dict, 3);
    const n = (this.options.depth - 2) / 6;
    if (counts.every((c) => c === n)) return undefined;
    const depth = counts.every((c) => c === counts[0]) ? ` (a ${6 * counts[0]! + 2}-layer net)` : '';
    return `the dict has ${counts.join(', ')} blocks per stage${depth}, ${this.name} has ${n}, ${n}, ${n}`;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.options.inChannels) throw new ShapeError(`expects [N, ${this.options.inChannels}, H, W] input, got ${fmtShape(x.shape)}`, this.name);
    const y = this.layer3.call(this.layer2.call(this.layer1.call(convBatchNorm(this.conv1, this.bn1, x, RELU))));
    return this.fc.call(y.mean([2, 3]));
  }
}

/** A CIFAR ResNet of `depth` layers (6n + 2). */
export const cifarResNet = (depth: number, options: Omit<CifarResNetOptions, 'depth' | 'residual'> = {}) => new CifarResNet({ ...options, depth });
/** The plain net of `depth` layers: a CIFAR ResNet without its shortcuts. */
export const plainNet = (depth: number, options: Omit<CifarResNetOptions, 'depth' | 'residual'> = {}) => new CifarResNet({ ...options, depth, residual: false });
