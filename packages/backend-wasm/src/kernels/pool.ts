/**
 * Max pooling with indices and max unpooling (its gradient) for float32 in
 * wasm (the ops come from @nn/layers-conv; these register for them by
 * name). Average pooling and float64 run on the host.
 * @module
 */
import { type KernelDef, type MaxPoolAttrs, sizeOf } from '@nn/tensor';
import type { WasmBackend, WasmData } from '../backend.js';
import { runOnHost } from './host.js';

const maxPoolKernel: KernelDef<MaxPoolAttrs> = {
  op: 'maxPool2d',
  backend: 'wasm',
  run(inputs, attrs, ctx) {
    const [x] = inputs;
    if (x!.dtype !== 'float32') return runOnHost('maxPool2d', inputs, attrs, ctx);
    const be = ctx.backend as WasmBackend;
    const [N, C, H, W] = x!.shape as [number, number, number, number];
    const [, , OH, OW] = ctx.outputs[0]!.shape as [number, number, number, number];
    const y = be.alloc('float32', N * C * OH * OW), idx = be.alloc('int32', N * C * OH * OW);
    if (y.bytes === 0) return [y, idx];
    const { kernel, stride, padding, dilation } = attrs;
    const [geo] = be.args([N * C, H, W, OH, OW, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[2], dilation[0], dilation[1]]);
    be.k.maxPool2d((x!.data as WasmData).ptr, y.ptr, idx.ptr, geo!);
    return [y, idx];
  },
};

const maxUnpoolKernel: KernelDef<{ outputSize: [number, number] }> = {
  op: 'maxUnpool2d',
  backend: 'wasm',
  run(inputs, attrs, ctx) {
    const [x, indices] = inputs;
    if (x!.dtype !== 'float32') return runOnHost('maxUnpool2d', inputs, attrs, ctx);
    const be = ctx.backend as WasmBackend;
    const [N, C, h, w] = x!.shape as [number, number, number, number];
    const size = attrs.outputSize[0] * attrs.outputSize[1];
    const out = be.alloc('float32', N * C * size);
    if (out.bytes === 0 || sizeOf(x!.shape) === 0) {
      if (out.bytes > 0) be.view('float32', out.ptr, N * C * size).fill(0);
      return [out];
    }
    const bad = be.k.maxUnpool2d((x!.data as WasmData).ptr, (indices!.data as WasmData).ptr, out.ptr, N * C, h * w, size);
    if (bad >= 0) {
      // An index outside the plane: the cpu kernel raises the typed error that names it.
      be.disposeData(out);
      return runOnHost('maxUnpool2d', inputs, attrs, ctx);
    }
    return [out];
  },
};

/** Pooling kernels of the wasm backend. */
export const poolKernels: KernelDef[] = [maxPoolKernel, maxUnpoolKernel];
