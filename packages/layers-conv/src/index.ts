/**
 * @nn/layers-conv: convolution (with stride, padding, dilation and groups),
 * its two backprop ops, transposed convolution, max/average/adaptive
 * pooling, max unpooling with switches, nearest and bilinear upsampling,
 * batch normalisation and channel dropout, NCHW, with fast cpu kernels.
 *
 * @example
 * ```ts
 * import { Conv2d, MaxPool2d } from '@nn/layers-conv';
 * import { randn } from '@nn/tensor';
 * const y = new MaxPool2d(2).call(new Conv2d(1, 6, 5, { padding: 2 }).call(randn([8, 1, 28, 28])));
 * y.shape; // [8, 6, 14, 14]
 * ```
 * @packageDocumentation
 */
export * from './functional.js';
export * from './modules.js';
export { convBatchNorm } from './conv-batch-norm.js';
export { bilinearKernel } from './init.js';
export { localResponseNorm, LocalResponseNorm, lrnOp, type LrnAttrs } from './lrn.js';
export { convPlugin } from './plugin.js';
export { type Pair, type Padding, type Window2d, windowOutput } from './geometry.js';
// The ops' attributes are declared in @nn/tensor; re-exported for this package's users.
export type { ConvAttrs, ConvTransposeAttrs, MaxPoolAttrs, AvgPoolAttrs } from '@nn/tensor';
