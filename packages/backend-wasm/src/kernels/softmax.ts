/**
 * Softmax and log-softmax of float32 along the last axis in SIMD wasm.
 * Other axes and dtypes run the cpu kernel over wasm memory.
 * @module
 */
import { activationOps, type KernelDef, sizeOf, type SoftmaxAttrs, type TensorMeta } from '@nn/tensor';
import { FLOAT32, wasmKernel } from './wasm-kernel.js';

/** True when the softmax runs along the last axis, the one the SIMD kernel handles. */
const lastAxis = ([x]: readonly TensorMeta[], { axis }: SoftmaxAttrs) => axis === -1 || axis === x!.shape.length - 1;

function softmaxKernel(op: 'softmax' | 'logSoftmax'): KernelDef<SoftmaxAttrs> {
  return wasmKernel(activationOps[op], (inputs, _attrs, ctx) => {
    const [x] = inputs;
    const rank = x!.shape.length;
    const be = ctx.backend;
    const size = sizeOf(x!.shape);
    const o = be.alloc('float32', size);
    const n = x!.shape[rank - 1]!;
    if (size > 0) be.k.softmax(x!.data.ptr, o.ptr, size / n, n, op === 'logSoftmax' ? 1 : 0);
    return [o];
  }, { dtypes: FLOAT32, accepts: lastAxis });
}

/** Softmax kernels of the wasm backend. */
export const softmaxKernels: KernelDef[] = [softmaxKernel('softmax'), softmaxKernel('logSoftmax')];
