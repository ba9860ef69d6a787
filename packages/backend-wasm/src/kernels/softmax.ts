/**
 * Softmax and log-softmax of float32 along the last axis in SIMD wasm (the
 * ops come from @nn/activations; these kernels register for them by name).
 * Other axes and dtypes run on the host.
 * @module
 */
import { type KernelDef, sizeOf } from '@nn/tensor';
import type { WasmBackend, WasmData } from '../backend.js';
import { runOnHost } from './host.js';

function softmaxKernel(op: 'softmax' | 'logSoftmax'): KernelDef<{ axis: number }> {
  return {
    op,
    backend: 'wasm',
    run(inputs, attrs, ctx) {
      const [x] = inputs;
      const rank = x!.shape.length;
      const ax = attrs.axis < 0 ? attrs.axis + rank : attrs.axis;
      if (x!.dtype !== 'float32' || ax !== rank - 1) return runOnHost(op, inputs, attrs, ctx);
      const be = ctx.backend as WasmBackend;
      const size = sizeOf(x!.shape);
      const o = be.alloc('float32', size);
      const n = x!.shape[rank - 1]!;
      if (size > 0) be.k.softmax((x!.data as WasmData).ptr, o.ptr, size / n, n, op === 'logSoftmax' ? 1 : 0);
      return [o];
    },
  };
}

/** Softmax kernels of the wasm backend. */
export const softmaxKernels: KernelDef[] = [softmaxKernel('softmax'), softmaxKernel('logSoftmax')];
