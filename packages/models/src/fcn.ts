/**
 * Fully convolutional networks (Long, Shelhamer and Darrell, CVPR 2015):
 * FCN-32s, FCN-16s and FCN-8s on a VGG-16 encoder, as the paper's reference
 * nets (fcn.berkeleyvision.org): fc6/fc7 as 7x7 and 1x1 convolutions, 1x1
 * score layers, zero-initialised score layers on pool4 and pool3, upsampling
 * by transposed convolutions initialised to bilinear interpolation, and the
 * reference's crops, whose offsets are derived here from the layers'
 * geometry (as Caffe's `Crop` layer does) rather than written down.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { ReLU } from '@nn/activations';
import { bilinearKernel, Conv2d, ConvTranspose2d, linearToConv, MaxPool2d } from '@nn/layers-conv';
import { Dropout, Module, Parameter, Sequential, withLayerContext } from '@nn/layers-core';
import { fmtShape, NNError, type Tensor, ValueError, zeros } from '@nn/tensor';
import { backboneLayout, type BackboneLayout, checkSegmentationInput, type SegmentationBackbone, vggEncoder } from './segmentation-backbone.js';
import type { VGG } from './vgg.js';

/** Where index i of a feature map sits in the input image: at `scale · i + offset` (the centre of its receptive field). */
export class Coords {
  constructor(readonly scale = 1, readonly offset = 0) {}

  /** After a convolution or pooling with kernel k, stride s and padding p. */
  conv(k: number, s: number, p: number): Coords {
    return new Coords(this.scale * s, this.offset + this.scale * ((k - 1) / 2 - p));
  }

  /** After a transposed convolution with kernel k, stride s and padding p. */
  deconv(k: number, s: number, p: number): Coords {
    return new Coords(this.scale / s, this.offset + (this.scale * (p - (k - 1) / 2)) / s);
  }

  /** Index in this map of the position `other`'s index 0 sits on: the crop offset that aligns `this` to `other`. */
  offsetOf(other: Coords, op: string): number {
    const d = (other.offset - this.offset) / this.scale;
    if (this.scale !== other.scale || !Number.isInteger(d)) throw new NNError(`${op}: maps of scale ${this.scale} and ${other.scale} with offsets ${this.offset}, ${other.offset} cannot be aligned by a crop`);
    return d;
  }
}

/** `x[..., off : off + h, off : off + w]`, or a typed error when `x` does not cover it. */
function crop(x: Tensor, off: number, h: number, w: number, what: string, model: string): Tensor {
  const [H, W] = [x.shape[2]!, x.shape[3]!];
  if (off < 0 || off + h > H || off + w > W) throw new NNError(`${model}: ${what} ${fmtShape(x.shape)} cannot be cropped at offset ${off} to ${h}x${w}`);
  return off === 0 && h === H && w === W ? x : x.slice([0, 0, off, off], [x.shape[0]!, x.shape[1]!, off + h, off + w]);
}

/** Options of {@link FCN}. */
export interface FcnOptions {
  /** `32s` (no skip), `16s` (a skip from pool4), `8s` (skips from pool4 and pool3). */
  variant: '32s' | '16s' | '8s';
  /** Classes, background included (default 21: PASCAL VOC). */
  classes?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /** The encoder (default `'vgg16'`); smaller widths and depths train on a CPU. */
  backbone?: SegmentationBackbone;
  /** Batch norm after every encoder convolution (VGG-16-BN; default false, as the paper). */
  batchNorm?: boolean;
  /** fc6's kernel (default 7, VGG's 7x7 pool5 read as a convolution). */
  fcKernel?: number;
  /**
   * `reference` (default): the reference nets' 100 pixels of padding before
   * conv1_1, valid fc6, unpadded upsampling, and crops at the offsets the
   * geometry gives (19 for FCN-32s; 5, 9, 27, 31 in FCN-8s). `same`: every
   * layer padded to keep its size (fc6 too), upsampling padded by half its
   * stride, so crops start at 0 and only trim the ceil-mode remainder:
   * far cheaper on small images, the form most re-implementations use.
   */
  alignment?: 'reference' | 'same';
  /**
   * `stepwise` (default, the paper): fuse at pool4 (and pool3) resolution
   * after x2 upsamplings, then one last upsampling. `one-step`: each score
   * map is upsampled straight to the output size (x32, x16, x8) and the
   * three are summed there.
   */
  upsampling?: 'stepwise' | 'one-step';
  /** Learn the upsampling weights (default false: bilinear and frozen, as the reference nets' `lr_mult: 0`). */
  learnUpsampling?: boolean;
  /** Dropout after fc6 and fc7 (default 0.5). */
  dropout?: number;
}

/** An upsampling by `factor`: a transposed convolution of kernel 2·factor, stride factor, no bias, initialised to bilinear interpolation. */
function upsampler(channels: number, factor: number, same: boolean, learn: boolean): ConvTranspose2d {
  const up = new ConvTranspose2d(channels, channels, 2 * factor, { stride: factor, padding: same ? factor / 2 : 0, bias: false });
  up.weight.dispose();
  up.weight = new Parameter(bilinearKernel(channels, 2 * factor), learn);
  return up;
}

/** A zero-initialised 1x1 score layer (the paper's initialisation of every class-scoring layer). */
function scoreLayer(inC: number, classes: number): Conv2d {
  const conv = new Conv2d(inC, classes, 1);
  noGrad(() => {
    conv.weight.assign(zeros(conv.weight.shape));
    conv.bias!.assign(zeros(conv.bias!.shape));
  });
  return conv;
}

/**
 * FCN-32s/16s/8s. `features` is VGG's (indexed as torchvision's, so VGG
 * weights load key by key), `classifier` holds fc6 and fc7 as convolutions
 * (`classifier.0`, `classifier.3`, VGG's classifier indices), `scoreFr`
 * scores the fc7 features; FCN-16s adds `scorePool4`, FCN-8s `scorePool3`;
 * `upscore*` layers upsample. The output has the input's H x W, for any
 * size of at least 32x32 (odd sizes too). With the VGG-16 encoder and 21
 * classes FCN-32s has 134,346,581 learned parameters (the paper's 134M) and
 * a frozen 1,806,336-weight x32 bilinear upsampling.
 */
export class FCN extends Module {
  features: Sequential;
  classifier: Sequential;
  scoreFr: Conv2d;
  scorePool4: Conv2d | null = null;
  scorePool3: Conv2d | null = null;
  /** Stepwise: x2 on the fc7 scores (16s, 8s). */
  upscore2: ConvTranspose2d | null = null;
  /** Stepwise 8s: x2 on the pool4 fusion. One-step: pool4's scores to full size. */
  upscorePool4: ConvTranspose2d | null = null;
  /** One-step 8s: pool3's scores to full size. */
  upscorePool3: ConvTranspose2d | null = null;
  /** The last upsampling to full size: x32, x16 or x8 (one-step: the fc7 scores, x32). */
  upscore: ConvTranspose2d;
  readonly options: Required<Omit<FcnOptions, 'backbone'>> & { backbone: SegmentationBackbone };
  readonly layout: BackboneLayout;
  /** Crop offsets, by the name of the map they crop. */
  readonly offsets: Readonly<Record<string, number>>;

  constructor(options: FcnOptions) {
    super();
    const { variant, classes = 21, inChannels = 3, backbone = 'vgg16', batchNorm = false, fcKernel = 7, alignment = 'reference', upsampling = 'stepwise', learnUpsampling = false, dropout = 0.5 } = options;
    const op = 'FCN';
    if (!['32s', '16s', '8s'].includes(variant)) throw new ValueError(`variant must be '32s', '16s' or '8s', got '${String(variant)}'`, op);
    if (!['reference', 'same'].includes(alignment)) throw new ValueError(`alignment must be 'reference' or 'same', got '${String(alignment)}'`, op);
    if (!['stepwise', 'one-step'].includes(upsampling)) throw new ValueError(`upsampling must be 'stepwise' or 'one-step', got '${String(upsampling)}'`, op);
    const same = alignment === 'same';
    if (!(Number.isInteger(fcKernel) && fcKernel >= 1 && (!same || fcKernel % 2 === 1))) throw new ValueError(`fcKernel must be a positive integer${same ? ', odd with alignment same' : ''}, got ${fcKernel}`, op);
    this.options = { variant, classes, inChannels, backbone, batchNorm, fcKernel, alignment, upsampling, learnUpsampling, dropout };
    const layout = (this.layout = backboneLayout(op, backbone));
    this.features = vggEncoder(layout, { inChannels, batchNorm, firstPadding: same ? 1 : 100, ceilMode: true });
    const fc = layout.fcWidth;
    const fcPad = same ? (fcKernel - 1) / 2 : 0;
    this.classifier = new Sequential(new Conv2d(layout.widths[4]!, fc, fcKernel, { padding: fcPad }), new ReLU(), new Dropout(dropout), new Conv2d(fc, fc, 1), new ReLU(), new Dropout(dropout));
    this.scoreFr = scoreLayer(fc, classes);

    // Where each map sits in the image, to derive the crops.
    let at = new Coords().conv(3, 1, same ? 1 : 100);
    const pools: Coords[] = [];
    for (const layer of this.features.layers) if (layer instanceof MaxPool2d) pools.push((at = at.conv(2, 2, 0)));
    const score = at.conv(fcKernel, 1, fcPad);
    const image = new Coords();
    const up = (c: Coords, f: number) => c.deconv(2 * f, f, same ? f / 2 : 0);
    const offsets: Record<string, number> = {};
    const skips = variant === '32s' ? 0 : variant === '16s' ? 1 : 2;
    if (upsampling === 'stepwise' && skips > 0) {
      this.upscore2 = upsampler(classes, 2, same, learnUpsampling);
      this.scorePool4 = scoreLayer(layout.widths[3]!, classes);
      let fused = up(score, 2);
      offsets.scorePool4 = pools[3]!.offsetOf(fused, op);
      if (skips === 2) {
        this.upscorePool4 = upsampler(classes, 2, same, learnUpsampling);
        this.scorePool3 = scoreLayer(layout.widths[2]!, classes);
        fused = up(fused, 2);
        offsets.scorePool3 = pools[2]!.offsetOf(fused, op);
      }
      const last = skips === 1 ? 16 : 8;
      this.upscore = upsampler(classes, last, same, learnUpsampling);
      offsets.upscore = up(fused, last).offsetOf(image, op);
    } else {
      this.upscore = upsampler(classes, 32, same, learnUpsampling);
      offsets.upscore = up(score, 32).offsetOf(image, op);
      if (skips > 0) {
        this.scorePool4 = scoreLayer(layout.widths[3]!, classes);
        this.upscorePool4 = upsampler(classes, 16, same, learnUpsampling);
        offsets.upscorePool4 = up(pools[3]!, 16).offsetOf(image, op);
      }
      if (skips > 1) {
        this.scorePool3 = scoreLayer(layout.widths[2]!, classes);
        this.upscorePool3 = upsampler(classes, 8, same, learnUpsampling);
        offsets.upscorePool3 = up(pools[2]!, 8).offsetOf(image, op);
      }
    }
    this.offsets = offsets;
  }

  /** `fcn8s`, `fcn32s-one-step`, ... */
  get name(): string {
    return `fcn${this.options.variant}${this.options.upsampling === 'one-step' && this.options.variant !== '32s' ? '-one-step' : ''}`;
  }

  forward(x: Tensor): Tensor {
    checkSegmentationInput(this.name, x, this.options.inChannels, 32, 'its five max pools halve the image five times (a total stride of 32)');
    return withLayerContext(this, x, 'its five max pools halve the image five times', () => this.scores(x));
  }

  private scores(x: Tensor): Tensor {
    const [H, W] = [x.shape[2]!, x.shape[3]!];
    const pools: Tensor[] = [];
    let h = x;
    for (const layer of this.features.layers) {
      h = layer.call(h);
      if (layer instanceof MaxPool2d) pools.push(h);
    }
    const score = this.scoreFr.call(this.classifier.call(h));
    const o = this.offsets;
    const toImage = (t: Tensor, off: number, what: string) => crop(t, off, H, W, what, this.name);
    if (this.upscore2 === null) {
      // FCN-32s, or one-step: every score map straight to full size, summed there.
      let out = toImage(this.upscore.call(score), o.upscore!, 'upscore');
      if (this.scorePool4) out = out.add(toImage(this.upscorePool4!.call(this.scorePool4.call(pools[3]!)), o.upscorePool4!, 'upscorePool4'));
      if (this.scorePool3) out = out.add(toImage(this.upscorePool3!.call(this.scorePool3.call(pools[2]!)), o.upscorePool3!, 'upscorePool3'));
      return out;
    }
    let fused = this.fuse(this.upscore2.call(score), this.scorePool4!.call(pools[3]!), o.scorePool4!, 'scorePool4');
    if (this.scorePool3) fused = this.fuse(this.upscorePool4!.call(fused), this.scorePool3.call(pools[2]!), o.scorePool3!, 'scorePool3');
    return toImage(this.upscore.call(fused), o.upscore!, 'upscore');
  }

  /**
   * Sums upsampled scores and a skip's scores over the region both cover:
   * the skip cropped at `off` (the reference nets' crop), both trimmed to
   * the smaller extent (ceil-mode remainders with 'same' alignment).
   */
  private fuse(upsampled: Tensor, skip: Tensor, off: number, what: string): Tensor {
    const h = Math.min(upsampled.shape[2]!, skip.shape[2]! - off), w = Math.min(upsampled.shape[3]!, skip.shape[3]! - off);
    return crop(upsampled, 0, h, w, 'upsampled scores', this.name).add(crop(skip, off, h, w, what, this.name));
  }

  /**
   * An FCN whose encoder and fc6/fc7 are taken from a VGG classifier
   * (`linearToConv` of its classifier.0 and classifier.3), so ImageNet-style
   * weights carry over; the score layers start at zero. The VGG must have
   * depth 16 unless `backbone` gives its layout.
   */
  static fromVgg(vgg: VGG, options: Omit<FcnOptions, 'batchNorm' | 'inChannels' | 'fcKernel'>): FCN {
    const v = vgg.options;
    if (v.depth !== 16 && options.backbone === undefined) throw new ValueError(`fromVgg takes a VGG-16 (its stages are FCN's), got ${vgg.name}`, 'FCN');
    const fcn = new FCN({ ...options, batchNorm: v.batchNorm, inChannels: v.inChannels, fcKernel: v.poolSize, backbone: options.backbone ?? { widths: [64, 128, 256, 512, 512].map((c) => c / v.widthDivisor), fcWidth: v.hidden } });
    noGrad(() => {
      const features = vgg.features.stateDict();
      fcn.features.loadStateDict(features);
      const lastWidth = fcn.layout.widths[4]!;
      const fc6 = linearToConv(vgg.classifier.layers[0] as never, [lastWidth, v.poolSize, v.poolSize]);
      const fc7 = linearToConv(vgg.classifier.layers[3] as never, [v.hidden, 1, 1]);
      const [c6, c7] = [fcn.classifier.layers[0] as Conv2d, fcn.classifier.layers[3] as Conv2d];
      c6.weight.assign(fc6.weight);
      c6.bias!.assign(fc6.bias!);
      c7.weight.assign(fc7.weight);
      c7.bias!.assign(fc7.bias!);
      fc6.dispose();
      fc7.dispose();
    });
    return fcn;
  }
}

/** FCN-32s (see {@link FCN}). */
export const fcn32s = (options: Omit<FcnOptions, 'variant'> = {}) => new FCN({ ...options, variant: '32s' });
/** FCN-16s (see {@link FCN}). */
export const fcn16s = (options: Omit<FcnOptions, 'variant'> = {}) => new FCN({ ...options, variant: '16s' });
/** FCN-8s (see {@link FCN}). */
export const fcn8s = (options: Omit<FcnOptions, 'variant'> = {}) => new FCN({ ...options, variant: '8s' });
