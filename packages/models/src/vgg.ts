/**
 * VGG (Simonyan and Zisserman 2015) in torchvision's layout: `features`
 * (3x3 convolutions, optional batch norm, ReLU, 2x2 max pooling),
 * `avgpool` (adaptive, to 7x7) and `classifier` (two 4096-wide hidden
 * layers with dropout), so a torchvision `state_dict()` maps onto it key by
 * key (`features.0.weight`, `classifier.6.bias`, ...).
 * @module
 */
import { noGrad } from '@nn/autograd';
import { ReLU } from '@nn/activations';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, MaxPool2d } from '@nn/layers-conv';
import { Dropout, init, Linear, Module, Sequential, withLayerContext } from '@nn/layers-core';
import { fmtShape, randn, ShapeError, type Tensor, ValueError } from '@nn/tensor';

/** The configurations of the paper's Table 1 (A, B, D, E): channel counts, `M` for a max pool. */
export const VGG_CONFIGS = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const;

/** Options of {@link VGG}. */
export interface VggOptions {
  /** 11, 13, 16 or 19 weighted layers. */
  depth: keyof typeof VGG_CONFIGS;
  /** Batch norm after every convolution (torchvision's `vgg16_bn`); default false. */
  batchNorm?: boolean;
  /** Classes (default 1000). */
  classes?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /** Divides every convolution's channel count (default 1; 8 gives a small VGG that trains on this machine). */
  widthDivisor?: number;
  /** Width of the two hidden classifier layers (default 4096). */
  hidden?: number;
  /** Side of the adaptive average pooling before the classifier (default 7). */
  poolSize?: number;
  /** Dropout in the classifier (default 0.5). */
  dropout?: number;
}

/**
 * VGG-11/13/16/19, with or without batch norm. VGG-16 has 138,357,544
 * parameters (14,714,688 of them in the convolutions), VGG-16-BN
 * 138,365,992. Each max pool halves the image: 224x224 inputs reach the
 * classifier at 7x7; a 32x32 input reaches it at 1x1 (and is pooled up to
 * `poolSize`, as torchvision does).
 */
export class VGG extends Module {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential;
  readonly options: Required<VggOptions>;

  constructor(options: VggOptions) {
    super();
    const { depth, batchNorm = false, classes = 1000, inChannels = 3, widthDivisor = 1, hidden = 4096, poolSize = 7, dropout = 0.5 } = options;
    const config = VGG_CONFIGS[depth];
    if (config === undefined) throw new ValueError(`depth must be one of ${Object.keys(VGG_CONFIGS).join(', ')}, got ${String(depth)}`, 'VGG');
    if (!Number.isInteger(widthDivisor) || widthDivisor < 1 || 64 % widthDivisor !== 0) throw new ValueError(`widthDivisor must divide 64, got ${widthDivisor}`, 'VGG');
    this.options = { depth, batchNorm, classes, inChannels, widthDivisor, hidden, poolSize, dropout };
    const layers: Module[] = [];
    let c = inChannels;
    for (const v of config) {
      if (v === 'M') {
        layers.push(new MaxPool2d(2, { stride: 2 }));
        continue;
      }
      const out = v / widthDivisor;
      layers.push(new Conv2d(c, out, 3, { padding: 1 }));
      if (batchNorm) layers.push(new BatchNorm2d(out));
      layers.push(new ReLU());
      c = out;
    }
    this.features = new Sequential(...layers);
    this.avgpool = new AdaptiveAvgPool2d(poolSize);
    this.classifier = new Sequential(
      new Linear(c * poolSize * poolSize, hidden),
      new ReLU(),
      new Dropout(dropout),
      new Linear(hidden, hidden),
      new ReLU(),
      new Dropout(dropout),
      new Linear(hidden, classes),
    );
    // torchvision's initialisation: Kaiming normal (fan-out) convolutions with zero bias, N(0, 0.01²) linear layers.
    noGrad(() => {
      for (const [, m] of this.namedModules()) {
        if (m instanceof Conv2d) {
          m.weight.assign(init.kaimingNormal(m.weight.shape, { mode: 'fanOut', nonlinearity: 'relu' }));
          m.bias?.assign(init.constant(m.bias.shape, 0));
        } else if (m instanceof Linear) {
          m.weight.assign(randn(m.weight.shape, { std: 0.01 }));
          m.bias?.assign(init.constant(m.bias.shape, 0));
        }
      }
    });
  }

  /** `vgg16`, `vgg11_bn`, ...: torchvision's names. */
  get name(): string {
    return `vgg${this.options.depth}${this.options.batchNorm ? '_bn' : ''}`;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.options.inChannels) throw new ShapeError(`expects [N, ${this.options.inChannels}, H, W] input, got ${fmtShape(x.shape)}`, this.name);
    const pools = VGG_CONFIGS[this.options.depth].filter((v) => v === 'M').length;
    return withLayerContext(this, x, `its ${pools} max pools halve the input ${pools} times, so it needs at least ${2 ** pools}x${2 ** pools}`, () =>
      this.classifier.call(this.avgpool.call(this.features.call(x)).flatten(1)),
    );
  }
}

/** VGG of the given depth (torchvision layout); `batchNorm` for the `_bn` variants. */
export const vgg = (depth: VggOptions['depth'], options: Omit<VggOptions, 'depth'> = {}) => new VGG({ ...options, depth });
