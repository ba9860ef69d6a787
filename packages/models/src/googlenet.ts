/**
 * GoogLeNet, Inception v1 (Szegedy et al. 2015): nine Inception modules,
 * two auxiliary classifiers, global average pooling and dropout. Two
 * flavours: `paper` (the default: real 5x5 branches, local response
 * normalisation after the stem, convolutions with bias, batch norm
 * optional) and `torchvision` (exactly `torchvision.models.googlenet`: a
 * 3x3 kernel in the "5x5" branch, batch norm with eps 1e-3, no LRN, the
 * input transform of its ImageNet weights). Submodules are named as in
 * torchvision (`inception3a.branch2.1.conv.weight`, `aux1.fc2.bias`).
 * @module
 */
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, convBatchNorm, LocalResponseNorm, MaxPool2d } from '@nn/layers-conv';
import { Dropout, Identity, Linear, Module, Sequential, withLayerContext } from '@nn/layers-core';
import { concat, fmtShape, ShapeError, type Tensor, tensor, ValueError } from '@nn/tensor';

/** How GoogLeNet's convolutions are built: with batch norm (torchvision: eps 1e-3) or with a bias (the paper). */
export interface ConvStyle {
  readonly batchNorm: boolean;
}

/** A convolution, its batch norm (or bias) and ReLU: torchvision's `BasicConv2d`. */
export class BasicConv2d extends Module {
  conv: Conv2d;
  bn: BatchNorm2d | null;

  constructor(inC: number, outC: number, kernel: number, { stride = 1, padding = 0 }: { stride?: number; padding?: number }, style: ConvStyle) {
    super();
    this.conv = new Conv2d(inC, outC, kernel, { stride, padding, bias: !style.batchNorm });
    this.bn = style.batchNorm ? new BatchNorm2d(outC, { eps: 1e-3 }) : null;
  }

  forward(x: Tensor): Tensor {
    // with batch norm, one folded convolution in evaluation
    return this.bn ? convBatchNorm(this.conv, this.bn, x, { op: 'relu' }) : this.conv.call(x).relu();
  }
}

/**
 * The Inception module as the chapter draws it: four branches over the same
 * input, concatenated on channels: 1x1; 1x1 → 3x3; 1x1 → 5x5 (3x3 in the
 * torchvision flavour); 3x3 max pool → 1x1.
 */
export class Inception extends Module {
  branch1: BasicConv2d;
  branch2: Sequential;
  branch3: Sequential;
  branch4: Sequential;

  constructor(inC: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number, style: ConvStyle & { readonly fiveByFive: boolean }) {
    super();
    const k5 = style.fiveByFive ? 5 : 3;
    this.branch1 = new BasicConv2d(inC, ch1x1, 1, {}, style);
    this.branch2 = new Sequential(new BasicConv2d(inC, ch3x3red, 1, {}, style), new BasicConv2d(ch3x3red, ch3x3, 3, { padding: 1 }, style));
    this.branch3 = new Sequential(new BasicConv2d(inC, ch5x5red, 1, {}, style), new BasicConv2d(ch5x5red, ch5x5, k5, { padding: (k5 - 1) / 2 }, style));
    this.branch4 = new Sequential(new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new BasicConv2d(inC, poolProj, 1, {}, style));
  }

  forward(x: Tensor): Tensor {
    return concat([this.branch1.call(x), this.branch2.call(x), this.branch3.call(x), this.branch4.call(x)], 1);
  }
}

/** An auxiliary classifier: 4x4 average pool, 1x1 convolution to 128, fc 1024 with dropout 0.7, fc to the classes. */
export class InceptionAux extends Module {
  avgpool = new AdaptiveAvgPool2d(4);
  conv: BasicConv2d;
  fc1: Linear;
  fc2: Linear;
  dropout = new Dropout(0.7);

  constructor(inC: number, classes: number, style: ConvStyle, widthDivisor = 1) {
    super();
    const c = 128 / widthDivisor, hidden = 1024 / widthDivisor;
    this.conv = new BasicConv2d(inC, c, 1, {}, style);
    this.fc1 = new Linear(16 * c, hidden);
    this.fc2 = new Linear(hidden, classes);
  }

  forward(x: Tensor): Tensor {
    const y = this.conv.call(this.avgpool.call(x)).flatten(1);
    return this.fc2.call(this.dropout.call(this.fc1.call(y).relu()));
  }
}

/** Options of {@link GoogLeNet}. */
export interface GoogLeNetOptions {
  /** `paper` (default) or `torchvision`. */
  flavour?: 'paper' | 'torchvision';
  /** Classes (default 1000). */
  classes?: number;
  /** Build the two auxiliary classifiers (default true). They run in training mode only. */
  auxLogits?: boolean;
  /** Batch norm in every convolution (default: true for torchvision, false for the paper). */
  batchNorm?: boolean;
  /** Input channels (default 3). */
  inChannels?: number;
  /** Dropout before the classifier (default 0.4, the paper's; torchvision's is 0.2). */
  dropout?: number;
  /** Divides every channel count (default 1; 8 gives a GoogLeNet small enough to train on 2 cores: all of the paper's counts are multiples of 8). */
  widthDivisor?: number;
  /** Apply torchvision's input transform (ImageNet normalisation to its weights' convention); default: true for the torchvision flavour with 3 channels. */
  transformInput?: boolean;
}

/** What {@link GoogLeNet.forwardWithAux} returns: the logits and the two auxiliary logits (null unless training with them). */
export interface GoogLeNetOutputs {
  logits: Tensor;
  aux1: Tensor | null;
  aux2: Tensor | null;
}

// [in, 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj], the paper's Table 1.
const INCEPTIONS = {
  inception3a: [192, 64, 96, 128, 16, 32, 32],
  inception3b: [256, 128, 128, 192, 32, 96, 64],
  inception4a: [480, 192, 96, 208, 16, 48, 64],
  inception4b: [512, 160, 112, 224, 24, 64, 64],
  inception4c: [512, 128, 128, 256, 24, 64, 64],
  inception4d: [512, 112, 144, 288, 32, 64, 64],
  inception4e: [528, 256, 160, 320, 32, 128, 128],
  inception5a: [832, 256, 160, 320, 32, 128, 128],
  inception5b: [832, 384, 192, 384, 48, 128, 128],
} as const;

/**
 * GoogLeNet. `forward` returns the logits; in training mode with the
 * auxiliary classifiers, `forwardWithAux` also returns theirs (the paper
 * adds them to the loss with weight 0.3). Parameters, torchvision flavour:
 * 6,624,904 without the auxiliary classifiers and 13,004,888 with them;
 * with real 5x5 branches and the same batch norm, 7,005,832 and 13,385,816.
 */
export class GoogLeNet extends Module {
  conv1: BasicConv2d;
  maxpool1 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  lrn1: Module;
  conv2: BasicConv2d;
  conv3: BasicConv2d;
  lrn2: Module;
  maxpool2 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  inception3a: Inception;
  inception3b: Inception;
  maxpool3 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  inception4a: Inception;
  inception4b: Inception;
  inception4c: Inception;
  inception4d: Inception;
  inception4e: Inception;
  maxpool4 = new MaxPool2d(2, { stride: 2, ceilMode: true });
  inception5a: Inception;
  inception5b: Inception;
  aux1: InceptionAux | null;
  aux2: InceptionAux | null;
  avgpool = new AdaptiveAvgPool2d(1);
  dropout: Dropout;
  fc: Linear;
  readonly options: Required<GoogLeNetOptions>;

  constructor(options: GoogLeNetOptions = {}) {
    super();
    const flavour = options.flavour ?? 'paper';
    if (flavour !== 'paper' && flavour !== 'torchvision') throw new ValueError(`flavour must be 'paper' or 'torchvision', got ${String(flavour)}`, 'GoogLeNet');
    const tv = flavour === 'torchvision';
    const { classes = 1000, auxLogits = true, batchNorm = tv, inChannels = 3, dropout = tv ? 0.2 : 0.4, widthDivisor = 1 } = options;
    if (![1, 2, 4, 8].includes(widthDivisor)) throw new ValueError(`widthDivisor must be 1, 2, 4 or 8, got ${widthDivisor}`, 'GoogLeNet');
    const transformInput = options.transformInput ?? (tv && inChannels === 3);
    this.options = { flavour, classes, auxLogits, batchNorm, inChannels, dropout, widthDivisor, transformInput };
    const style = { batchNorm, fiveByFive: !tv };
    const w = (c: number) => c / widthDivisor;
    this.conv1 = new BasicConv2d(inChannels, w(64), 7, { stride: 2, padding: 3 }, style);
    // The paper normalises after the first pooling and after conv3 (its Figure 3); torchvision drops both.
    this.lrn1 = tv ? new Identity() : new LocalResponseNorm(5, 1e-4, 0.75, 1);
    this.conv2 = new BasicConv2d(w(64), w(64), 1, {}, style);
    this.conv3 = new BasicConv2d(w(64), w(192), 3, { padding: 1 }, style);
    this.lrn2 = tv ? new Identity() : new LocalResponseNorm(5, 1e-4, 0.75, 1);
    const make = (name: keyof typeof INCEPTIONS) => {
      const [i, a, b, c, d, e, f] = INCEPTIONS[name].map(w) as [number, number, number, number, number, number, number];
      return new Inception(i, a, b, c, d, e, f, style);
    };
    this.inception3a = make('inception3a');
    this.inception3b = make('inception3b');
    this.inception4a = make('inception4a');
    this.inception4b = make('inception4b');
    this.inception4c = make('inception4c');
    this.inception4d = make('inception4d');
    this.inception4e = make('inception4e');
    this.inception5a = make('inception5a');
    this.inception5b = make('inception5b');
    this.aux1 = auxLogits ? new InceptionAux(w(512), classes, style, widthDivisor) : null;
    this.aux2 = auxLogits ? new InceptionAux(w(528), classes, style, widthDivisor) : null;
    this.dropout = new Dropout(dropout);
    this.fc = new Linear(w(1024), classes);
  }

  forward(x: Tensor): Tensor {
    return this.forwardWithAux(x).logits;
  }

  /** The logits and, in training mode with auxiliary classifiers, theirs too (else null). */
  forwardWithAux(x: Tensor): GoogLeNetOutputs {
    if (x.rank !== 4 || x.shape[1] !== this.options.inChannels) throw new ShapeError(`expects [N, ${this.options.inChannels}, H, W] input, got ${fmtShape(x.shape)}`, 'GoogLeNet');
    return withLayerContext(this, x, 'GoogLeNet halves its input five times (conv1 and four max pools)', () => this.run(x));
  }

  private run(x: Tensor): GoogLeNetOutputs {
    let y = this.options.transformInput ? transformInput(x) : x;
    y = this.lrn1.call(this.maxpool1.call(this.conv1.call(y)));
    y = this.maxpool2.call(this.lrn2.call(this.conv3.call(this.conv2.call(y))));
    y = this.maxpool3.call(this.inception3b.call(this.inception3a.call(y)));
    y = this.inception4a.call(y);
    const useAux = this.training && this.aux1 !== null;
    const aux1 = useAux ? this.aux1!.call(y) : null;
    y = this.inception4d.call(this.inception4c.call(this.inception4b.call(y)));
    const aux2 = useAux ? this.aux2!.call(y) : null;
    y = this.maxpool4.call(this.inception4e.call(y));
    y = this.inception5b.call(this.inception5a.call(y));
    const logits = this.fc.call(this.dropout.call(this.avgpool.call(y).flatten(1)));
    return { logits, aux1, aux2 };
  }
}

/**
 * torchvision's `transform_input`: its GoogLeNet weights expect inputs
 * normalised with mean 0.5 and std 0.5, so an ImageNet-normalised input is
 * mapped to that: x_c · (std_c / 0.5) + (mean_c − 0.5) / 0.5.
 */
function transformInput(x: Tensor): Tensor {
  return tensor([0.229 / 0.5, 0.224 / 0.5, 0.225 / 0.5]).reshape([1, 3, 1, 1]).mul(x).add(tensor([(0.485 - 0.5) / 0.5, (0.456 - 0.5) / 0.5, (0.406 - 0.5) / 0.5]).reshape([1, 3, 1, 1]));
}
