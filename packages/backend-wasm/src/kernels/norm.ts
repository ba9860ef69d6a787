/**
 * The batch-norm ops for float32 in wasm: each channel's statistics, output
 * and gradients in two or three passes over its values while they are in
 * cache, the channels split over threads. float64 runs the cpu kernel over
 * wasm memory.
 * @module
 */
import { type KernelDef, normOps, sizeOf } from '@nn/tensor';
import { splitRange } from '../backend.js';
import { FLOAT32, wasmKernel } from './wasm-kernel.js';

/** Values below which one thread does every channel. */
const PARALLEL_ELEMENTS = 1 << 15;

/** [N, C, S] of an input, S the product of its spatial dims. */
const dims = (shape: readonly number[]): [number, number, number] => [shape[0]!, shape[1]!, sizeOf(shape.slice(2))];

const forwardKernel = wasmKernel(normOps.batchNorm, ([x, w, b], { eps }, ctx) => {
  const be = ctx.backend;
  const [N, C, S] = dims(x!.shape);
  const y = be.alloc('float32', N * C * S), mean = be.alloc('float32', C), variance = be.alloc('float32', C);
  if (C === 0) return [y, mean, variance];
  if (N * S === 0) {
    // no values: the statistics are NaN, as 0/0 (and as the composite gives)
    be.view('float32', mean.ptr, C).fill(NaN);
    be.view('float32', variance.ptr, C).fill(NaN);
    return [y, mean, variance];
  }
  const parts = N * C * S >= PARALLEL_ELEMENTS ? Math.min(be.threads, C) : 1;
  be.parallel('batchNormForward', parts, (t, n) => [x!.data.ptr, w!.data.ptr, b!.data.ptr, y.ptr, mean.ptr, variance.ptr, N, C, S, eps, ...splitRange(C, n, t)]);
  return [y, mean, variance];
}, { dtypes: FLOAT32 });

const backwardKernel = wasmKernel(normOps.batchNormBackward, ([dy, x, mean, variance, w, dmean, dvariance], { eps }, ctx) => {
  const be = ctx.backend;
  const [N, C, S] = dims(x!.shape);
  const dx = be.alloc('float32', N * C * S), dw = be.alloc('float32', C), db = be.alloc('float32', C);
  if (C === 0) return [dx, dw, db];
  if (N * S === 0) {
    be.view('float32', dw.ptr, C).fill(0);
    be.view('float32', db.ptr, C).fill(0);
    return [dx, dw, db];
  }
  const parts = N * C * S >= PARALLEL_ELEMENTS ? Math.min(be.threads, C) : 1;
  const ptrs = [dy, x, mean, variance, w, dmean, dvariance].map((t) => t!.data.ptr);
  be.parallel('batchNormBackward', parts, (t, n) => [...ptrs, dx.ptr, dw.ptr, db.ptr, N, C, S, eps, ...splitRange(C, n, t)]);
  return [dx, dw, db];
}, { dtypes: FLOAT32 });

/** Batch-norm kernels of the wasm backend. */
export const normKernels: KernelDef[] = [forwardKernel, backwardKernel];
