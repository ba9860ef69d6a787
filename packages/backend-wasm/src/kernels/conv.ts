/**
 * Convolution kernels (the ops come from @nn/layers-conv; these register
 * for them by name): im2col + the SIMD GEMM per image and group, with the
 * batch split over threads. Each thread unfolds into its own scratch; the
 * filter gradient sums per-thread partials in a fixed order, so a given
 * thread count always gives the same bits. float64 runs on the host.
 * @module
 */
import { type FusedActivation, type KernelContext, type KernelDef, sizeOf, type TensorInfo } from '@nn/tensor';
import type { WasmBackend, WasmData } from '../backend.js';
import { splitRange } from '../backend.js';
import { activationCode } from './elementwise.js';
import { runOnHost } from './host.js';

interface ConvAttrs {
  [key: string]: unknown;
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** Writes the geometry assembly/conv.ts reads: [C, H, W, O, KH, KW, OH, OW, sh, sw, pt, pl, dh, dw, G]. */
function geometry(be: WasmBackend, x: readonly number[], w: readonly number[], y: readonly number[], a: ConvAttrs): number {
  return be.args([x[1]!, x[2]!, x[3]!, w[0]!, w[2]!, w[3]!, y[2]!, y[3]!, a.stride[0], a.stride[1], a.padding[0], a.padding[2], a.dilation[0], a.dilation[1], a.groups])[0]!;
}

/**
 * Below this many multiply-adds a convolution runs on one thread: a worker
 * that has gone to sleep takes tens of microseconds to wake, which a small
 * convolution (LeNet's, batch 1) does not win back.
 */
const PARALLEL_MACS = 1 << 20;

/**
 * Runs a conv kernel with per-thread scratch, the batch split over threads;
 * the forward kernel splits the output pixels instead when the batch is
 * smaller than the thread count (batch-1 inference).
 */
function perImage(be: WasmBackend, kernel: 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter', N: number, geo: number, ptrs: (t: number) => [number, number, number], pixels = 0, macs = Infinity): void {
  const scratchBytes = be.k.convScratchBytes(geo);
  const byPixels = kernel === 'conv2d' && N < be.threads && macs >= PARALLEL_MACS;
  const parts = byPixels ? Math.min(be.threads, Math.ceil(pixels / 8)) : macs >= PARALLEL_MACS ? Math.min(N, be.threads) : 1;
  const scratch = Array.from({ length: Math.max(1, parts) }, () => be.temp(scratchBytes));
  try {
    be.parallel(kernel, parts, (t, n) => {
      if (kernel !== 'conv2d') return [...ptrs(t), geo, ...splitRange(N, n, t), scratch[t]!];
      const [n0, n1] = byPixels ? [0, N] : splitRange(N, n, t);
      const [j0, j1] = byPixels ? splitRange(pixels, n, t, 8) : [0, pixels];
      return [...ptrs(t), geo, n0, n1, j0, j1, scratch[t]!];
    });
  } finally {
    for (const s of scratch) be.freeTemp(s, scratchBytes);
  }
}

const ptr = (t: TensorInfo) => (t.data as WasmData).ptr;

/** conv2d, and fusedConv2d with its bias and activation applied plane by plane after it. */
function forwardKernel(op: 'conv2d' | 'fusedConv2d'): KernelDef<ConvAttrs & { activation?: FusedActivation | null }> {
  return {
    op,
    backend: 'wasm',
    run(inputs, attrs, ctx: KernelContext) {
      const [x, w, b] = inputs;
      if (x!.dtype !== 'float32') return runOnHost(op, inputs, attrs, ctx);
      const be = ctx.backend as WasmBackend;
      const yShape = ctx.outputs[0]!.shape;
      const y = be.alloc('float32', sizeOf(yShape));
      if (y.bytes === 0) return [y];
      const pixels = yShape[2]! * yShape[3]!;
      const macs = sizeOf(yShape) * sizeOf(w!.shape.slice(1));
      perImage(be, 'conv2d', yShape[0]!, geometry(be, x!.shape, w!.shape, yShape, attrs), () => [ptr(x!), ptr(w!), y.ptr], pixels, macs);
      if (b !== undefined) {
        const [code, param] = activationCode(attrs.activation ?? null);
        be.k.biasPlanes(y.ptr, ptr(b), yShape[0]! * yShape[1]!, yShape[1]!, yShape[2]! * yShape[3]!, code, param);
      }
      return [y];
    },
  };
}

const backpropInputKernel: KernelDef<ConvAttrs & { inputShape: number[] }> = {
  op: 'conv2dBackpropInput',
  backend: 'wasm',
  run(inputs, attrs, ctx) {
    const [dy, w] = inputs;
    if (dy!.dtype !== 'float32') return runOnHost('conv2dBackpropInput', inputs, attrs, ctx);
    const be = ctx.backend as WasmBackend;
    const dx = be.alloc('float32', sizeOf(attrs.inputShape));
    if (dx.bytes === 0) return [dx];
    if (sizeOf(dy!.shape) === 0) {
      be.view('float32', dx.ptr, sizeOf(attrs.inputShape)).fill(0);
      return [dx];
    }
    perImage(be, 'conv2dBackpropInput', attrs.inputShape[0]!, geometry(be, attrs.inputShape, w!.shape, dy!.shape, attrs), () => [ptr(dy!), ptr(w!), dx.ptr]);
    return [dx];
  },
};

const backpropFilterKernel: KernelDef<ConvAttrs & { filterShape: number[] }> = {
  op: 'conv2dBackpropFilter',
  backend: 'wasm',
  run(inputs, attrs, ctx) {
    const [x, dy] = inputs;
    if (x!.dtype !== 'float32') return runOnHost('conv2dBackpropFilter', inputs, attrs, ctx);
    const be = ctx.backend as WasmBackend;
    const size = sizeOf(attrs.filterShape);
    const dw = be.alloc('float32', size);
    if (size === 0) return [dw];
    const N = x!.shape[0]!;
    const parts = Math.max(1, Math.min(N, be.threads));
    // Thread 0 accumulates into dw, the others into partials summed afterwards.
    const partials = [dw.ptr, ...Array.from({ length: parts - 1 }, () => be.temp(size * 4))];
    for (const p of partials) be.view('float32', p, size).fill(0);
    if (sizeOf(dy!.shape) > 0) {
      perImage(be, 'conv2dBackpropFilter', N, geometry(be, x!.shape, attrs.filterShape, dy!.shape, attrs), (t) => [ptr(x!), ptr(dy!), partials[t]!]);
    }
    for (let t = 1; t < parts; t++) {
      be.k.binary(0, dw.ptr, 1, partials[t]!, 1, dw.ptr, size);
      be.freeTemp(partials[t]!, size * 4);
    }
    return [dw];
  },
};

/** Convolution kernels of the wasm backend. */
export const convKernels: KernelDef[] = [forwardKernel('conv2d'), forwardKernel('fusedConv2d'), backpropInputKernel, backpropFilterKernel];
