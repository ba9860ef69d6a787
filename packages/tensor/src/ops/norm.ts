/**
 * Batch normalisation in training as two ops: `batchNorm` (the batch
 * statistics and the normalised output in one pass over each channel) and
 * `batchNormBackward` (all three cotangents in one more). Written out in
 * core ops they take a dozen passes over the activations, each with a
 * broadcast; as ops a backend runs each in two or three passes that stay in
 * cache, channel by channel. Both are composites, so every backend runs
 * them; @nn/layers-conv registers the cpu kernels and the gradient.
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { isFloat } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import type { Tensor } from '../tensor.js';

/** Attributes of the batch-norm ops. */
export interface BatchNormAttrs {
  [key: string]: unknown;
  /** Added to the variance before the square root. */
  eps: number;
}

/** Checks x [N, C, ...] and per-channel vectors [C] of x's float dtype; returns C. */
function checkChannels(op: string, x: TensorMeta, vectors: readonly TensorMeta[], names: readonly string[], eps: number): number {
  if (!isFloat(x.dtype)) throw new DTypeError(`input (shape ${fmtShape(x.shape)}) must be float32 or float64, got ${x.dtype}`, op);
  if (x.shape.length < 2) throw new ShapeError(`input must be at least 2-D [N, C, ...], got ${fmtShape(x.shape)}`, op);
  if (!(eps >= 0)) throw new ValueError(`eps must be a non-negative number, got ${eps}`, op);
  const C = x.shape[1]!;
  vectors.forEach((v, i) => {
    if (v.dtype !== x.dtype) throw new DTypeError(`${names[i]} is ${v.dtype} but the input is ${x.dtype}`, op);
    if (v.shape.length !== 1 || v.shape[0] !== C) throw new ShapeError(`${names[i]} ${fmtShape(v.shape)} must have one entry per channel (${C}) of input ${fmtShape(x.shape)}`, op);
  });
  return C;
}

/** The axes a batch norm reduces over (all but 1), and a [C] vector reshaped to broadcast against x. */
function channelView(x: Tensor): { axes: number[]; perChannel: (v: Tensor) => Tensor } {
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const shape = x.shape.map((d, i) => (i === 1 ? d : 1));
  return { axes, perChannel: (v) => v.reshape(shape) };
}

/** Outputs y = (x − mean) / √(var + eps) · weight + bias, and the batch's mean and biased variance, both [C]. */
function batchNormComposite([x, weight, bias]: Tensor[], { eps }: BatchNormAttrs): Tensor[] {
  const { axes, perChannel } = channelView(x!);
  const mean = x!.mean(axes, true);
  const centred = x!.sub(mean);
  const variance = centred.square().mean(axes, true);
  const y = centred.mul(variance.add(eps).rsqrt()).mul(perChannel(weight!)).add(perChannel(bias!));
  const C = x!.shape[1]!;
  return [y, mean.reshape([C]), variance.reshape([C])];
}

/**
 * Cotangents of x, weight and bias from those of y, mean and variance (the
 * last two are zero unless a loss reads the statistics). Per channel, with
 * M values each and s = 1/√(var + eps):
 * dx = w·s·dy − w·s·Σdy/M + (x − mean)·(2·dvar − w·s³·Σdy(x − mean))/M + dmean/M.
 */
function batchNormBackwardComposite([dy, x, mean, variance, weight, dmean, dvariance]: Tensor[], { eps }: BatchNormAttrs): Tensor[] {
  const { axes, perChannel } = channelView(x!);
  const M = x!.size / x!.shape[1]!;
  const s = variance!.add(eps).rsqrt();
  const centred = x!.sub(perChannel(mean!));
  const sumDy = dy!.sum(axes);
  const sumDyX = dy!.mul(centred).sum(axes);
  const ws = weight!.mul(s);
  const slope = dvariance!.mul(2).sub(ws.mul(s).mul(s).mul(sumDyX)).div(M);
  const offset = dmean!.sub(ws.mul(sumDy)).div(M);
  const dx = dy!.mul(perChannel(ws)).add(centred.mul(perChannel(slope))).add(perChannel(offset));
  return [dx, sumDyX.mul(s), sumDy];
}

/** The batch-norm ops. */
export const normOps = {
  batchNorm: defineOp<BatchNormAttrs>({
    name: 'batchNorm',
    inputs: ['x', 'weight', 'bias'],
    infer([x, weight, bias], { eps }) {
      const C = checkChannels('batchNorm', x!, [weight!, bias!], ['weight', 'bias'], eps);
      return [{ shape: x!.shape, dtype: x!.dtype }, { shape: [C], dtype: x!.dtype }, { shape: [C], dtype: x!.dtype }];
    },
    composite: batchNormComposite,
  }),
  batchNormBackward: defineOp<BatchNormAttrs>({
    name: 'batchNormBackward',
    inputs: ['dy', 'x', 'mean', 'variance', 'weight', 'dmean', 'dvariance'],
    infer([dy, x, mean, variance, weight, dmean, dvariance], { eps }) {
      const C = checkChannels('batchNormBackward', x!, [mean!, variance!, weight!, dmean!, dvariance!], ['mean', 'variance', 'weight', 'dmean', 'dvariance'], eps);
      if (dy!.dtype !== x!.dtype || dy!.shape.length !== x!.shape.length || dy!.shape.some((d, i) => d !== x!.shape[i])) {
        throw new ShapeError(`dy (${dy!.dtype} ${fmtShape(dy!.shape)}) must match the input (${x!.dtype} ${fmtShape(x!.shape)})`, 'batchNormBackward');
      }
      return [{ shape: x!.shape, dtype: x!.dtype }, { shape: [C], dtype: x!.dtype }, { shape: [C], dtype: x!.dtype }];
    },
    // No rule of its own: a second derivative differentiates this composite.
    composite: batchNormBackwardComposite,
  }),
};

/** Descriptors of the batch-norm ops. */
export const normOpDefs: OpDef[] = Object.values(normOps);
