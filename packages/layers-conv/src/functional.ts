/**
 * Convolution, pooling, unpooling, upsampling, batch normalisation and
 * channel dropout as functions (NCHW), after `torch.nn.functional`.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { applyActivation, checkFusedActivation, convOps, defineOp, DTypeError, fmtShape, getEngine, isFloat, type FusedActivation, normOps, ones, poolOps, rand, ShapeError, tensor, type Tensor, ValueError, zeros } from '@nn/tensor';
import { checkRank4, type Padding, type Pair, pair, resolvePadding } from './geometry.js';
import { ensureConvPlugin } from './plugin.js';

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  stride?: Pair;
  /** A number or pair (symmetric), `'same'` (output = ceil(input / stride)) or `'valid'` (no padding). */
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  /** A pointwise activation applied to the output in the same op (none by default). */
  activation?: FusedActivation | null;
}

function spatial(x: Tensor): [number, number] {
  return [x.shape[2]!, x.shape[3]!];
}

function checkBias(bias: Tensor, channels: number, op: string): void {
  if (bias.rank !== 1 || bias.shape[0] !== channels) throw new ShapeError(`bias ${fmtShape(bias.shape)} must have one entry per output channel (${channels})`, op);
}

function biasAdd(y: Tensor, bias: Tensor | null | undefined, op: string): Tensor {
  if (!bias) return y;
  checkBias(bias, y.shape[1]!, op);
  return y.add(bias.reshape([1, bias.shape[0]!, 1, 1]));
}

/**
 * 2-D convolution (cross-correlation, as in every framework): x [N, C, H, W],
 * weight [O, C/groups, KH, KW], optional bias [O].
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, { stride = 1, padding = 0, dilation = 1, groups = 1, activation = null }: Conv2dOptions = {}): Tensor {
  checkRank4('conv2d', 'input', x.shape);
  checkRank4('conv2d', 'weight', weight.shape);
  const s = pair(stride, 'stride', 'conv2d'), d = pair(dilation, 'dilation', 'conv2d');
  const p = resolvePadding(padding, spatial(x), [weight.shape[2]!, weight.shape[3]!], s, d, 'conv2d');
  if (bias) {
    checkBias(bias, weight.shape[0]!, 'conv2d');
    ensureConvPlugin();
    return convOps.fusedConv2d.run1([x, weight, bias], { stride: s, padding: p, dilation: d, groups, activation });
  }
  checkFusedActivation(activation, 'conv2d');
  ensureConvPlugin();
  return applyActivation(convOps.conv2d.run1([x, weight], { stride: s, padding: p, dilation: d, groups }), activation);
}

/** 1-D convolution: x [N, C, L], weight [O, C/groups, K], as a 2-D convolution of height 1. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, { stride = 1, padding = 0, dilation = 1, groups = 1 }: { stride?: number; padding?: number | 'same' | 'valid'; dilation?: number; groups?: number } = {}): Tensor {
  if (x.rank !== 3 || weight.rank !== 3) throw new ShapeError(`input and weight must be 3-D, got ${fmtShape(x.shape)} and ${fmtShape(weight.shape)}`, 'conv1d');
  const pad = typeof padding === 'number' ? ([0, padding] as [number, number]) : padding;
  const y = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, { stride: [1, stride], padding: pad, dilation: [1, dilation], groups });
  return y.squeeze(2);
}

/** Options of {@link convTranspose2d}. */
export interface ConvTranspose2dOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/**
 * Transposed convolution (deconvolution): x [N, Cin, H, W], weight
 * [Cin, Cout/groups, KH, KW] (PyTorch's layout); output size
 * (H − 1)·stride − 2·padding + dilation·(KH − 1) + outputPadding + 1.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, { stride = 1, padding = 0, outputPadding = 0, dilation = 1, groups = 1 }: ConvTranspose2dOptions = {}): Tensor {
  const [ph, pw] = pair(padding, 'padding', 'convTranspose2d', 0);
  ensureConvPlugin();
  const [y] = convOps.convTranspose2d.run([x, weight], {
    stride: pair(stride, 'stride', 'convTranspose2d'),
    padding: [ph, ph, pw, pw],
    dilation: pair(dilation, 'dilation', 'convTranspose2d'),
    outputPadding: pair(outputPadding, 'outputPadding', 'convTranspose2d', 0),
    groups,
  });
  return biasAdd(y!, bias, 'convTranspose2d');
}

/** Options of the pooling functions. */
export interface Pool2dOptions {
  /** Default: the kernel size. */
  stride?: Pair;
  /** At most half the kernel, as in PyTorch. */
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

function poolWindow(op: string, x: Tensor, kernelSize: Pair, { stride, padding = 0, dilation = 1 }: Pool2dOptions) {
  checkRank4(op, 'input', x.shape);
  const kernel = pair(kernelSize, 'kernelSize', op);
  const p = pair(padding, 'padding', op, 0);
  if (p[0] * 2 > kernel[0] || p[1] * 2 > kernel[1]) throw new ValueError(`padding [${p}] must be at most half the kernel [${kernel}]`, op);
  return { kernel, stride: pair(stride ?? kernel, 'stride', op), padding: [p[0], p[0], p[1], p[1]] as [number, number, number, number], dilation: pair(dilation, 'dilation', op) };
}

function runMaxPool(x: Tensor, kernelSize: Pair, options: Pool2dOptions, indices: boolean): Tensor[] {
  const { kernel, stride, padding, dilation } = poolWindow('maxPool2d', x, kernelSize, options);
  ensureConvPlugin();
  return poolOps.maxPool2d.run([x], { kernel, stride, padding, dilation, ceilMode: !!options.ceilMode, indices });
}

/** Max pooling; `maxPool2dWithIndices` also returns where each maximum was (the switches). */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  // Indices only where a gradient will need them: inference skips them.
  return runMaxPool(x, kernelSize, options, getEngine().recording && x.requiresGrad)[0]!;
}

/** Max pooling returning `[values, indices]`; indices are flat positions in each input plane (H·W), as PyTorch's. */
export function maxPool2dWithIndices(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): [Tensor, Tensor] {
  const [values, indices] = runMaxPool(x, kernelSize, options, true);
  return [values!, indices!];
}

/** Average pooling; `countIncludePad` (default true) counts padded zeros in the divisor, as PyTorch. */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: Omit<Pool2dOptions, 'dilation'> & { countIncludePad?: boolean } = {}): Tensor {
  const w = poolWindow('avgPool2d', x, kernelSize, options);
  ensureConvPlugin();
  return poolOps.avgPool2d.run1([x], { ...w, ceilMode: !!options.ceilMode, countIncludePad: options.countIncludePad ?? true });
}

/**
 * Max unpooling: puts each value at the position its index names (from
 * `maxPool2dWithIndices`) in an output of `outputSize` (default: the size
 * the pooling came from, inferred from kernel, stride and padding), zeros
 * elsewhere.
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: Pair, { stride, padding = 0, outputSize }: { stride?: Pair; padding?: Pair; outputSize?: [number, number] } = {}): Tensor {
  checkRank4('maxUnpool2d', 'input', x.shape);
  const k = pair(kernelSize, 'kernelSize', 'maxUnpool2d'), s = pair(stride ?? k, 'stride', 'maxUnpool2d'), p = pair(padding, 'padding', 'maxUnpool2d', 0);
  const size = outputSize ?? ([0, 1].map((i) => (x.shape[2 + i]! - 1) * s[i]! - 2 * p[i]! + k[i]!) as [number, number]);
  ensureConvPlugin();
  return poolOps.maxUnpool2d.run1([x, indices], { outputSize: size });
}

/** Averaging (or interpolation) matrix helpers: a dense [out, in] matrix from per-row (index, weight) pairs. */
function matrix(out: number, size: number, rows: (i: number) => [number, number][], dtype: Tensor['dtype']): Tensor {
  const m = new Float64Array(out * size);
  for (let i = 0; i < out; i++) for (const [j, w] of rows(i)) m[i * size + j]! += w;
  return tensor(m, [out, size], dtype === 'float64' ? 'float64' : 'float32');
}

/** Applies separable row and column matrices: Rh · x · Rwᵀ over the last two dims. */
function separable(x: Tensor, rh: Tensor, rw: Tensor): Tensor {
  return rh.matmul(x.matmul(rw.transpose()));
}

/** Adaptive average pooling to `outputSize` (PyTorch's windows: floor(i·H/OH) to ceil((i+1)·H/OH)). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  checkRank4('adaptiveAvgPool2d', 'input', x.shape);
  const [OH, OW] = pair(outputSize, 'outputSize', 'adaptiveAvgPool2d');
  const [H, W] = spatial(x);
  const averaging = (out: number, size: number) =>
    matrix(out, size, (i) => {
      const a = Math.floor((i * size) / out), b = Math.ceil(((i + 1) * size) / out);
      return Array.from({ length: b - a }, (_, k) => [a + k, 1 / (b - a)] as [number, number]);
    }, x.dtype);
  return separable(x, averaging(OH, H), averaging(OW, W));
}

/** Global average pooling: [N, C, H, W] → [N, C, 1, 1]. */
export function globalAvgPool2d(x: Tensor): Tensor {
  checkRank4('globalAvgPool2d', 'input', x.shape);
  return x.mean([2, 3], true);
}

/** Options of {@link interpolate}. */
export interface InterpolateOptions {
  /** Output [H, W]... */
  size?: Pair;
  /** ...or a scale factor. */
  scaleFactor?: number | readonly [number, number];
  mode?: 'nearest' | 'bilinear';
  /** Bilinear only: align the corner pixels' centres (PyTorch's `align_corners`). */
  alignCorners?: boolean;
  /**
   * With `scaleFactor`: map output to input coordinates with input/output
   * size instead of 1/scaleFactor (PyTorch's `recompute_scale_factor`;
   * default false). The two differ when size × scaleFactor is not whole.
   */
  recomputeScaleFactor?: boolean;
}

/**
 * Upsampling (or resizing) of [N, C, H, W]: nearest neighbour, or bilinear
 * with or without aligned corners, with PyTorch's coordinate conventions.
 * Bilinear interpolation is separable, so it is computed as Rh · x · Rwᵀ
 * with two sparse-by-construction interpolation matrices: differentiable
 * with no extra code.
 */
export function interpolate(x: Tensor, { size, scaleFactor, mode = 'nearest', alignCorners = false, recomputeScaleFactor = false }: InterpolateOptions): Tensor {
  checkRank4('interpolate', 'input', x.shape);
  if (size !== undefined && scaleFactor !== undefined) throw new ValueError('give either size or scaleFactor, not both', 'interpolate');
  const [H, W] = spatial(x);
  let out: [number, number];
  let factors: [number, number] | null = null;
  if (size !== undefined) out = pair(size, 'size', 'interpolate');
  else if (scaleFactor !== undefined) {
    const f = typeof scaleFactor === 'number' ? [scaleFactor, scaleFactor] : scaleFactor;
    if (f.length !== 2 || f.some((v) => !(v > 0 && Number.isFinite(v)))) throw new ValueError(`scaleFactor must be a positive number or two, got ${JSON.stringify(scaleFactor)}`, 'interpolate');
    out = [Math.floor(H * f[0]!), Math.floor(W * f[1]!)];
    if (out[0] < 1 || out[1] < 1) throw new ValueError(`scaleFactor ${JSON.stringify(scaleFactor)} makes input ${fmtShape(x.shape)} empty (${out[0]}x${out[1]})`, 'interpolate');
    if (!recomputeScaleFactor) factors = [f[0]!, f[1]!];
  } else throw new ValueError('give either size or scaleFactor', 'interpolate');
  if (mode !== 'nearest' && mode !== 'bilinear') throw new ValueError(`mode must be 'nearest' or 'bilinear', got '${String(mode)}'`, 'interpolate');
  ensureConvPlugin();
  return interpolateOp.run1([x], { size: out, scaleFactors: factors, mode, alignCorners: mode === 'bilinear' && alignCorners });
}

/** Attributes of the `interpolate` op: the options of {@link interpolate}, resolved. */
export interface InterpolateAttrs {
  [key: string]: unknown;
  /** Output [H, W]. */
  size: readonly [number, number];
  /** The scale factors given (output-to-input coordinates scale by their inverse), or null: input/output size. */
  scaleFactors: readonly [number, number] | null;
  mode: 'nearest' | 'bilinear';
  alignCorners: boolean;
}

/**
 * The `interpolate` op: an op of its own so that exporters see it whole
 * (ONNX `Resize`), written as a composite of gathers (nearest) or two
 * interpolation matrices (bilinear), which autograd differentiates.
 */
export const interpolateOp = defineOp<InterpolateAttrs>({
  name: 'interpolate',
  inputs: ['x'],
  infer([x], { size, mode }) {
    checkRank4('interpolate', 'input', x!.shape);
    if (mode === 'bilinear' && !isFloat(x!.dtype)) throw new DTypeError(`bilinear input (shape ${fmtShape(x!.shape)}) must be float, got ${x!.dtype}; nearest takes any dtype`, 'interpolate');
    return [{ shape: [x!.shape[0]!, x!.shape[1]!, size[0], size[1]], dtype: x!.dtype }];
  },
  composite([x], { size: out, scaleFactors, mode, alignCorners }) {
    const [H, W] = spatial(x!);
    // Output-to-input coordinate scale, as PyTorch: 1/scaleFactor when one was given, else input/output size.
    const scale = (o: number, n: number, axis: number) => (scaleFactors ? 1 / scaleFactors[axis]! : n / o);
    if (mode === 'nearest') {
      const idx = (o: number, n: number, axis: number) => Array.from({ length: o }, (_, i) => Math.min(Math.floor(i * scale(o, n, axis)), n - 1));
      return [x!.gather(idx(out[0], H, 0), 2).gather(idx(out[1], W, 1), 3)];
    }
    const linear = (o: number, n: number, axis: number) =>
      matrix(o, n, (i) => {
        let src = alignCorners ? (o > 1 ? (i * (n - 1)) / (o - 1) : 0) : Math.max(0, (i + 0.5) * scale(o, n, axis) - 0.5);
        src = Math.min(src, n - 1);
        const i0 = Math.floor(src), i1 = Math.min(i0 + 1, n - 1), t = src - i0;
        return [[i0, 1 - t], [i1, t]];
      }, x!.dtype);
    return [separable(x!, linear(out[0], H, 0), linear(out[1], W, 1))];
  },
});

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  training?: boolean;
  /** Weight of the new batch statistic in the running averages (PyTorch's convention; default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over every dim but the channel dim (1): in training,
 * normalise with the batch mean and (biased) variance and update the
 * running statistics in place (unbiased variance, as PyTorch); in
 * evaluation, normalise with the running statistics.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  { training = false, momentum = 0.1, eps = 1e-5 }: BatchNormOptions = {},
): Tensor {
  if (x.rank < 2) throw new ShapeError(`input must be at least 2-D [N, C, ...], got ${fmtShape(x.shape)}`, 'batchNorm');
  const C = x.shape[1]!;
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== C)) throw new ShapeError(`${name} ${fmtShape(t.shape)} must have one entry per channel (${C}) of input ${fmtShape(x.shape)}`, 'batchNorm');
  }
  const perChannel = (t: Tensor) => t.reshape(x.shape.map((d, i) => (i === 1 ? d : 1)));
  if (training || !runningMean || !runningVar) {
    ensureConvPlugin();
    const count = x.size / C;
    if (training && runningMean && runningVar && count < 2) throw new ValueError(`needs more than one value per channel in training, got input ${fmtShape(x.shape)}`, 'batchNorm');
    // the batch-norm op: statistics and output in one pass per channel (affine-free norms pass 1 and 0)
    const [y, mean, variance] = normOps.batchNorm.run([x, weight ?? ones([C], x.dtype), bias ?? zeros([C], x.dtype)], { eps });
    if (training && runningMean && runningVar) {
      noGrad(() => {
        runningMean.assign(runningMean.mul(1 - momentum).add(mean!.mul(momentum)));
        runningVar.assign(runningVar.mul(1 - momentum).add(variance!.mul((momentum * count) / (count - 1))));
      });
    }
    return y!;
  }
  // evaluation: one scale and one shift per channel, from the running statistics
  let scale = runningVar.add(eps).rsqrt();
  if (weight) scale = scale.mul(weight);
  let shift = runningMean.mul(scale).neg();
  if (bias) shift = shift.add(bias);
  return x.mul(perChannel(scale)).add(perChannel(shift));
}

/** Channel dropout: zeroes whole channels with probability p in training (scaling the rest by 1/(1−p)). */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw new ValueError(`p must be in [0, 1), got ${p}`, 'dropout2d');
  if (!training || p === 0) return x;
  if (x.rank < 3) throw new ShapeError(`input must be [N, C, ...] with spatial dims, got ${fmtShape(x.shape)}`, 'dropout2d');
  const keep = noGrad(() => rand([x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)]).ge(p).cast(x.dtype).mul(1 / (1 - p)));
  return x.mul(keep);
}

/** 1-D max pooling over [N, C, L]. */
export function maxPool1d(x: Tensor, kernelSize: number, { stride, padding = 0 }: { stride?: number; padding?: number } = {}): Tensor {
  if (x.rank !== 3) throw new ShapeError(`input must be [N, C, L], got ${fmtShape(x.shape)}`, 'maxPool1d');
  return maxPool2d(x.unsqueeze(2), [1, kernelSize], { stride: [1, stride ?? kernelSize], padding: [0, padding] }).squeeze(2);
}

/** 1-D average pooling over [N, C, L]. */
export function avgPool1d(x: Tensor, kernelSize: number, { stride, padding = 0 }: { stride?: number; padding?: number } = {}): Tensor {
  if (x.rank !== 3) throw new ShapeError(`input must be [N, C, L], got ${fmtShape(x.shape)}`, 'avgPool1d');
  return avgPool2d(x.unsqueeze(2), [1, kernelSize], { stride: [1, stride ?? kernelSize], padding: [0, padding] }).squeeze(2);
}
