/**
 * Convolutional modules, after `torch.nn`.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { Linear, Module, Parameter } from '@nn/layers-core';
import { applyActivation, fmtShape, type FusedActivation, ones, rand, ShapeError, type Tensor, ValueError, zeros } from '@nn/tensor';
import { convBatchNorm } from './conv-batch-norm.js';
import * as F from './functional.js';
import { type Padding, type Pair, pair } from './geometry.js';

const sizeOfShape = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** PyTorch's default initialisation of a conv weight (Kaiming uniform with a = √5): U(−1/√fanIn, 1/√fanIn). */
function uniformInit(shape: number[], fanIn: number): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return rand(shape, { low: -bound, high: bound });
}

/** Options of {@link Conv2d}. */
export interface Conv2dModuleOptions extends F.Conv2dOptions {
  bias?: boolean;
}

/** A 2-D convolution layer: weight [out, in/groups, kH, kW], bias [out]. */
export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly options: F.Conv2dOptions;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, { bias = true, ...options }: Conv2dModuleOptions = {}) {
    super();
    const groups = options.groups ?? 1;
    if (!Number.isInteger(inChannels) || !Number.isInteger(outChannels) || inChannels < 1 || outChannels < 1) {
      throw new ValueError(`channel counts must be positive integers, got ${inChannels} and ${outChannels}`, 'Conv2d');
    }
    if (inChannels % groups !== 0 || outChannels % groups !== 0) throw new ValueError(`inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`, 'Conv2d');
    const [kh, kw] = pair(kernelSize, 'kernelSize', 'Conv2d');
    const fanIn = (inChannels / groups) * kh * kw;
    this.weight = new Parameter(uniformInit([outChannels, inChannels / groups, kh, kw], fanIn));
    this.bias = bias ? new Parameter(uniformInit([outChannels], fanIn)) : null;
    this.options = options;
  }

  forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, this.options);
  }

  /** Each output element costs one multiply-add per weight of its filter (in/groups · kH · kW). */
  override multiplyAdds(_inputs: readonly (readonly number[])[], output: readonly number[]): number {
    return sizeOfShape(output) * sizeOfShape(this.weight.shape.slice(1));
  }

  /** The convolution followed by a pointwise activation, as one fused op. */
  override forwardActivated(x: Tensor, activation: FusedActivation | null): Tensor {
    const { stride, padding, dilation, groups, activation: own } = this.options;
    // a layer built with an activation of its own applies that one in its op
    if (own) return applyActivation(this.forward(x), activation);
    return F.conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups, activation });
  }

  /** A `BatchNorm2d` after the convolution runs with it ({@link convBatchNorm}: folded into it in evaluation). */
  override fuseWithNext(next: Module): ((x: Tensor, activation: FusedActivation | null) => Tensor) | undefined {
    // only the classes' own forwards: a subclass that overrides one is run as written
    if (this.forward !== Conv2d.prototype.forward || !(next instanceof BatchNorm2d) || next.forward !== BatchNormBase.prototype.forward) return undefined;
    return (x, activation) => convBatchNorm(this, next, x, activation);
  }
}

/** A 1-D convolution layer over [N, C, L]. */
export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, readonly options: { stride?: number; padding?: number | 'same' | 'valid'; dilation?: number; groups?: number; bias?: boolean } = {}) {
    super();
    const groups = options.groups ?? 1;
    const fanIn = (inChannels / groups) * kernelSize;
    this.weight = new Parameter(uniformInit([outChannels, inChannels / groups, kernelSize], fanIn));
    this.bias = options.bias === false ? null : new Parameter(uniformInit([outChannels], fanIn));
  }
  forward(x: Tensor): Tensor {
    const { bias: _, ...opts } = this.options;
    return F.conv1d(x, this.weight, this.bias, opts);
  }

  /** One multiply-add per filter weight per output element. */
  override multiplyAdds(_inputs: readonly (readonly number[])[], output: readonly number[]): number {
    return sizeOfShape(output) * sizeOfShape(this.weight.shape.slice(1));
  }
}

/** Options of {@link ConvTranspose2d}. */
export interface ConvTranspose2dModuleOptions extends F.ConvTranspose2dOptions {
  bias?: boolean;
}

/** A transposed convolution (deconvolution) layer: weight [in, out/groups, kH, kW], bias [out]. */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly options: F.ConvTranspose2dOptions;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, { bias = true, ...options }: ConvTranspose2dModuleOptions = {}) {
    super();
    const groups = options.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0) throw new ValueError(`inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`, 'ConvTranspose2d');
    const [kh, kw] = pair(kernelSize, 'kernelSize', 'ConvTranspose2d');
    const fanIn = (outChannels / groups) * kh * kw;
    this.weight = new Parameter(uniformInit([inChannels, outChannels / groups, kh, kw], fanIn));
    this.bias = bias ? new Parameter(uniformInit([outChannels], fanIn)) : null;
    this.options = options;
  }

  forward(x: Tensor): Tensor {
    return F.convTranspose2d(x, this.weight, this.bias, this.options);
  }

  /** Each input element is spread over one filter (out/groups · kH · kW weights). */
  override multiplyAdds(inputs: readonly (readonly number[])[], _output: readonly number[]): number {
    return sizeOfShape(inputs[0]!) * sizeOfShape(this.weight.shape.slice(1));
  }
}

/** Max pooling. `forwardWithIndices` also returns the switches, for `MaxUnpool2d`. */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: F.Pool2dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, this.options);
  }
  /** The pooled values and the flat index (in each H·W plane) of each maximum. */
  forwardWithIndices(x: Tensor): [Tensor, Tensor] {
    return F.maxPool2dWithIndices(x, this.kernelSize, this.options);
  }
}

/** Average pooling. */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: Omit<F.Pool2dOptions, 'dilation'> & { countIncludePad?: boolean } = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, this.options);
  }
}

/** Adaptive average pooling to a fixed output size (global pooling with size 1). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    const [h, w] = pair(this.outputSize, 'outputSize', 'AdaptiveAvgPool2d');
    return h === 1 && w === 1 ? F.globalAvgPool2d(x) : F.adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** Max unpooling with the switches of a `MaxPool2d`: `forward(x, indices)`. */
export class MaxUnpool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: { stride?: Pair; padding?: Pair; outputSize?: [number, number] } = {}) {
    super();
  }
  forward(x: Tensor, indices?: Tensor): Tensor {
    if (indices === undefined) throw new ValueError('needs the indices returned by MaxPool2d.forwardWithIndices', 'MaxUnpool2d');
    return F.maxUnpool2d(x, indices, this.kernelSize, this.options);
  }
}

/** Upsampling by a size or scale factor, nearest or bilinear. */
export class Upsample extends Module {
  constructor(readonly options: F.InterpolateOptions) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.interpolate(x, this.options);
  }
}

/** Options of the batch-norm modules. */
export interface BatchNormModuleOptions {
  eps?: number;
  momentum?: number;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true). */
  trackRunningStats?: boolean;
}

abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  runningMean: Tensor | null = null;
  runningVar: Tensor | null = null;
  /** Training batches seen (int32 scalar; PyTorch's `num_batches_tracked`). */
  numBatchesTracked: Tensor | null = null;
  readonly eps: number;
  readonly momentum: number;

  constructor(readonly numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }: BatchNormModuleOptions, private readonly ranks: number[]) {
    super();
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    if (trackRunningStats) {
      this.registerBuffer('runningMean', zeros([numFeatures]));
      this.registerBuffer('runningVar', ones([numFeatures]));
      // PyTorch's counter of training batches (its `num_batches_tracked`); optional, as files from before it lack it
      this.registerBuffer('numBatchesTracked', zeros([], 'int32'), { optional: true });
    }
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`expects input of rank ${this.ranks.join(' or ')} with ${this.numFeatures} channels at dim 1, got ${fmtShape(x.shape)}`, this.constructor.name);
    }
    if (this.training && this.numBatchesTracked !== null) {
      const next = noGrad(() => this.numBatchesTracked!.add(1));
      this.numBatchesTracked.assign(next);
      next.dispose();
    }
    return F.batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, { training: this.training, momentum: this.momentum, eps: this.eps });
  }
}

/** Batch normalisation of [N, C, H, W] over N, H and W, per channel. */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super(numFeatures, options, [4]);
  }
}

/** Batch normalisation of [N, C] or [N, C, L], per channel. */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super(numFeatures, options, [2, 3]);
  }
}

/** Channel dropout. */
export class Dropout2d extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new ValueError(`p must be in [0, 1), got ${p}`, 'Dropout2d');
  }
  forward(x: Tensor): Tensor {
    return F.dropout2d(x, this.p, this.training);
  }
}

/**
 * Turns a `Linear` that reads a flattened C x H x W input into the
 * equivalent `Conv2d` with a H x W kernel (1 x 1 for a layer after another
 * converted one: pass [C, 1, 1]), sharing nothing: the weights are copied.
 * A classifier converted layer by layer becomes fully convolutional, as in
 * FCN.
 */
export function linearToConv(linear: Linear, inputShape: readonly [number, number, number]): Conv2d {
  const [C, H, W] = inputShape;
  if (C * H * W !== linear.inFeatures) {
    throw new ShapeError(`input shape [${inputShape.join(',')}] has ${C * H * W} features but the Linear layer reads ${linear.inFeatures}`, 'linearToConv');
  }
  const conv = new Conv2d(C, linear.outFeatures, [H, W], { bias: linear.bias !== null });
  conv.weight.assign(linear.weight.reshape([linear.outFeatures, C, H, W]).clone());
  if (linear.bias && conv.bias) conv.bias.assign(linear.bias.clone());
  return conv;
}
