/**
 * Local response normalisation (Krizhevsky et al. 2012; GoogLeNet uses it
 * after its first two convolutions): each activation divided by
 * (k + α/n · Σ x²)^β, the sum over n neighbouring channels, as PyTorch's
 * `LocalResponseNorm`, Caffe and ONNX's `LRN` define it. An op of its own
 * (so that backends and ONNX can map it) written as a composite: the square,
 * a zero-padded average over the channel window, the power and the
 * division, which autograd differentiates.
 * @module
 */
import { Module } from '@nn/layers-core';
import { defineOp, DTypeError, fmtShape, isFloat, poolOps, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { ensureConvPlugin } from './plugin.js';

/** Attributes of `localResponseNorm`. */
export interface LrnAttrs {
  [key: string]: unknown;
  /** Channels in the window (n). */
  size: number;
  alpha: number;
  beta: number;
  k: number;
}

/** The `localResponseNorm` op: input [N, C, ...], the window over C. */
export const lrnOp = defineOp<LrnAttrs>({
  name: 'localResponseNorm',
  inputs: ['x'],
  infer([x], { size, alpha, beta, k }) {
    if (!isFloat(x!.dtype)) throw new DTypeError(`input (shape ${fmtShape(x!.shape)}) must be float, got ${x!.dtype}`, 'localResponseNorm');
    if (x!.shape.length < 3) throw new ShapeError(`input must be [N, C, ...] with at least one spatial dim, got ${fmtShape(x!.shape)}`, 'localResponseNorm');
    if (!Number.isInteger(size) || size < 1) throw new ValueError(`size must be a positive integer, got ${size}`, 'localResponseNorm');
    if (![alpha, beta, k].every(Number.isFinite)) throw new ValueError(`alpha, beta and k must be finite numbers, got ${alpha}, ${beta}, ${k}`, 'localResponseNorm');
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  composite([x], { size, alpha, beta, k }) {
    const [N, C] = x!.shape as [number, number];
    const spatial = x!.size / (N * C);
    // [N, 1, C, HW]: the channel window becomes a size x 1 average pool over zero-padded channels.
    const sq = x!.square().reshape([N, 1, C, spatial]).pad([[0, 0], [0, 0], [Math.floor(size / 2), Math.floor((size - 1) / 2)], [0, 0]]);
    const mean = poolOps.avgPool2d.run1([sq], { kernel: [size, 1], stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], ceilMode: false, countIncludePad: true });
    return [x!.div(mean.reshape(x!.shape).mul(alpha).add(k).pow(beta))];
  },
});

/** Local response normalisation over `size` neighbouring channels (PyTorch's defaults: α 1e-4, β 0.75, k 1). */
export function localResponseNorm(x: Tensor, size: number, { alpha = 1e-4, beta = 0.75, k = 1 }: { alpha?: number; beta?: number; k?: number } = {}): Tensor {
  ensureConvPlugin();
  return lrnOp.run1([x], { size, alpha, beta, k });
}

/** The module form of {@link localResponseNorm}. */
export class LocalResponseNorm extends Module {
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }
}
