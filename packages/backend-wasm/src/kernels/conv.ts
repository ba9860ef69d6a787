/**
 * Convolution kernels: im2col + the SIMD GEMM per image and group, with the
 * batch split over threads. Each thread unfolds into its own scratch; the
 * filter gradient sums per-thread partials in a fixed order, so a given
 * thread count always gives the same bits. float64 runs the cpu kernel
 * over wasm memory.
 * @module
 */
import { type ConvAttrs, convOps, type FusedActivation, type KernelDef, sizeOf, type TensorInfo } from '@nn/tensor';
import type { WasmBackend, WasmData } from '../backend.js';
import { splitRange } from '../backend.js';
import type { ThreadKernel } from '../protocol.js';
import { activationCode } from './elementwise.js';
import { FLOAT32, wasmKernel } from './wasm-kernel.js';

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
 * How a convolution splits over threads: by images, or, when the batch is
 * smaller than the thread count and `units` > 0, by units of one image's
 * work (output pixels, Winograd tile blocks) in multiples of `align`.
 * Returns the part count and part t's [n0, n1, u0, u1].
 */
function convSplit(be: WasmBackend, N: number, units: number, align: number, macs: number): [number, (t: number, parts: number) => [number, number, number, number]] {
  if (macs < PARALLEL_MACS) return [1, () => [0, N, 0, units]];
  if (units > 0 && N < be.threads) return [Math.min(be.threads, Math.ceil(units / align)), (t, n) => [0, N, ...splitRange(units, n, t, align)]];
  return [Math.min(N, be.threads), (t, n) => [...splitRange(N, n, t), 0, units]];
}

/** Runs `kernel` over `parts` threads, each with `bytes` of scratch of its own. */
function withScratch(be: WasmBackend, kernel: ThreadKernel, parts: number, bytes: number, argsOf: (t: number, parts: number, scratch: number) => number[]): void {
  const scratch = Array.from({ length: parts }, () => be.temp(bytes));
  try {
    be.parallel(kernel, parts, (t, n) => argsOf(t, n, scratch[t]!));
  } finally {
    for (const s of scratch) be.freeTemp(s, bytes);
  }
}

/**
 * Output pixels per thread below which a small batch's forward convolution
 * splits its output channels instead: a GEMM a few dozen columns wide (a
 * 7x7 map) packs and streams the whole filter bank for little work, while
 * half the filter rows each over all the columns keep it busy.
 */
const MIN_PIXELS_PER_THREAD = 64;

/**
 * Runs a conv kernel with per-thread scratch, the batch split over threads.
 * When the batch is smaller than the thread count (batch-1 inference) the
 * forward kernel splits its output pixels, or its output channels when the
 * maps are small; the input gradient (a transposed convolution's forward)
 * splits its input channels. `channels`: those channels, 0 for grouped
 * convolutions.
 */
function perImage(be: WasmBackend, kernel: 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter', N: number, geo: number, ptrs: (t: number) => [number, number, number], pixels = 0, macs = Infinity, channels = 0): void {
  const forward = kernel === 'conv2d', input = kernel === 'conv2dBackpropInput';
  const byChannels = N < be.threads && macs >= PARALLEL_MACS && (forward ? channels >= 16 * be.threads && pixels < MIN_PIXELS_PER_THREAD * be.threads : input && channels >= 2 * be.threads);
  if (byChannels) {
    const parts = be.threads, align = forward ? 8 : 1;
    withScratch(be, kernel, parts, be.k.convScratchBytes(geo), (t, n, scratch) => {
      const [c0, c1] = splitRange(channels, n, t, align);
      return forward ? [...ptrs(t), geo, 0, N, 0, pixels, c0, c1, scratch] : [...ptrs(t), geo, 0, N, c0, c1, scratch];
    });
    return;
  }
  const [parts, range] = convSplit(be, N, forward ? pixels : 0, 8, macs);
  withScratch(be, kernel, parts, be.k.convScratchBytes(geo), (t, n, scratch) => {
    const [n0, n1, j0, j1] = range(t, n);
    if (forward) return [...ptrs(t), geo, n0, n1, j0, j1, 0, 1 << 30, scratch];
    return input ? [...ptrs(t), geo, n0, n1, 0, 1 << 30, scratch] : [...ptrs(t), geo, n0, n1, scratch];
  });
}

const ptr = (t: TensorInfo<WasmData>) => t.data.ptr;

/**
 * Whether a convolution (the forward one, or the input gradient seen as one)
 * runs as Winograd F(2x2, 3x3): 3x3 filters at
 * stride 1, no dilation or groups, and channels enough for its 16 products
 * to beat one 9-times-deeper product (2.25 times fewer multiplies). Its
 * results differ from im2col's by float rounding only.
 */
function winogradApplies(be: WasmBackend, x: readonly number[], w: readonly number[], y: readonly number[], a: ConvAttrs): boolean {
  return be.winograd && w[2] === 3 && w[3] === 3 && a.stride[0] === 1 && a.stride[1] === 1 && a.dilation[0] === 1 && a.dilation[1] === 1 &&
    a.groups === 1 && x[1]! >= 16 && w[0]! >= 16 && y[2]! * y[3]! >= 64;
}

/** Bytes of V and M (one tile block) that should stay in L2. */
const WINOGRAD_BLOCK_BYTES = 768 * 1024;

/** Winograd tiles per block for C channels in and O out: V and M of a block in WINOGRAD_BLOCK_BYTES, a multiple of 8. */
const tilesPerBlock = (C: number, O: number) => Math.max(8, Math.min(512, Math.floor(WINOGRAD_BLOCK_BYTES / (64 * (C + O)) / 8) * 8));

/**
 * The Winograd convolution of x [N, C, H, W] into y [N, O, OH, OW] with top
 * and left padding (pt, pl): the filters' transform once, then images (or a
 * small batch's tile blocks) over threads. With `flip`, w is [C, O, 3, 3] and
 * convolves rotated by 180° with in and out swapped: the input gradient.
 */
function winograd(be: WasmBackend, x: number, w: WasmData, y: number, xShape: readonly number[], yShape: readonly number[], pt: number, pl: number, macs: number, flip = false): void {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [, O, OH, OW] = yShape as [number, number, number, number];
  const [geo] = be.args([C, H, W, O, OH, OW, pt, pl, tilesPerBlock(C, O)]);
  // The filter's transform, kept with the filter: a serial step that a
  // batch-1 inference would otherwise repeat for every call.
  // The filter as stored is [O, C] (forward) or [C, O] (flipped).
  const u = be.derivedData(w, flip ? 'winograd-flipped' : 'winograd', 16 * O * C * 4, (u) => (flip ? be.k.winogradFilter(w.ptr, u, C, O, 1) : be.k.winogradFilter(w.ptr, u, O, C, 0)));
  const [parts, range] = convSplit(be, N, be.k.winogradBlocks(geo!), 1, macs);
  withScratch(be, 'winogradConv', parts, be.k.winogradScratchBytes(geo!, 0), (t, n, scratch) => [x, u, y, geo!, ...range(t, n), scratch, be.gemmScratch(t)]);
}

/**
 * The filter gradient of a Winograd-eligible convolution (x [N, C, H, W],
 * dy [N, O, OH, OW]) into dw [O, C, 3, 3]: images over threads, each summing
 * the 16 transformed products into a partial of its own; the partials are
 * added in thread order (the same bits for a given thread count) and
 * transformed back once.
 */
function winogradFilterGradient(be: WasmBackend, x: number, dy: number, dw: number, xShape: readonly number[], yShape: readonly number[], pt: number, pl: number): void {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [, O, OH, OW] = yShape as [number, number, number, number];
  const [geo] = be.args([C, H, W, O, OH, OW, pt, pl, tilesPerBlock(C, O)]);
  const macs = N * O * OH * OW * C * 9;
  const parts = macs < PARALLEL_MACS ? 1 : Math.max(1, Math.min(N, be.threads));
  const duBytes = 16 * O * C * 4;
  const partials = Array.from({ length: parts }, () => be.temp(duBytes));
  try {
    for (const p of partials) be.view('float32', p, duBytes / 4).fill(0);
    withScratch(be, 'winogradFilterGradient', parts, be.k.winogradGradientScratchBytes(geo!, 0), (t, n, scratch) => [x, dy, partials[t]!, geo!, ...splitRange(N, n, t), scratch, be.gemmScratch(t)]);
    for (let t = 1; t < parts; t++) be.k.binary(0, partials[0]!, 1, partials[t]!, 1, partials[0]!, duBytes / 4);
    be.k.winogradFilterGradientFinish(partials[0]!, dw, O, C);
  } finally {
    for (const p of partials) be.freeTemp(p, duBytes);
  }
}

/** conv2d, and fusedConv2d with its bias and activation applied plane by plane after it. */
function forwardKernel(op: 'conv2d' | 'fusedConv2d'): KernelDef {
  return wasmKernel<ConvAttrs & { activation?: FusedActivation | null }>(convOps[op], (inputs, attrs, ctx) => {
    const [x, w, b] = inputs;
    const be = ctx.backend;
    const yShape = ctx.outputs[0]!.shape;
    const y = be.alloc('float32', sizeOf(yShape));
    if (y.bytes === 0) return [y];
    const pixels = yShape[2]! * yShape[3]!;
    const macs = sizeOf(yShape) * sizeOf(w!.shape.slice(1));
    if (winogradApplies(be, x!.shape, w!.shape, yShape, attrs)) winograd(be, ptr(x!), w!.data, y.ptr, x!.shape, yShape, attrs.padding[0], attrs.padding[2], macs);
    else perImage(be, 'conv2d', yShape[0]!, geometry(be, x!.shape, w!.shape, yShape, attrs), () => [ptr(x!), ptr(w!), y.ptr], pixels, macs, attrs.groups === 1 ? yShape[1]! : 0);
    if (b !== undefined) {
      const [code, param] = activationCode(attrs.activation ?? null);
      be.k.biasPlanes(y.ptr, ptr(b), yShape[0]! * yShape[1]!, yShape[1]!, pixels, code, param);
    }
    return [y];
  }, { dtypes: FLOAT32 });
}

const backpropInputKernel = wasmKernel(convOps.conv2dBackpropInput, (inputs, attrs, ctx) => {
  const [dy, w] = inputs;
  const be = ctx.backend;
  const dx = be.alloc('float32', sizeOf(attrs.inputShape));
  if (dx.bytes === 0) return [dx];
  if (sizeOf(dy!.shape) === 0) {
    be.view('float32', dx.ptr, sizeOf(attrs.inputShape)).fill(0);
    return [dx];
  }
  const [pt, pl] = [attrs.padding[0], attrs.padding[2]];
  // At stride 1 the input gradient is a convolution of dy with the filters
  // rotated by 180° and in/out swapped, padded by 2 − p: Winograd's too.
  if (pt <= 2 && pl <= 2 && winogradApplies(be, dy!.shape, w!.shape, attrs.inputShape, attrs)) {
    winograd(be, ptr(dy!), w!.data, dx.ptr, dy!.shape, attrs.inputShape, 2 - pt, 2 - pl, sizeOf(attrs.inputShape) * sizeOf(w!.shape) / w!.shape[1]!, true);
    return [dx];
  }
  const macs = sizeOf(dy!.shape) * sizeOf(w!.shape) / w!.shape[0]!;
  perImage(be, 'conv2dBackpropInput', attrs.inputShape[0]!, geometry(be, attrs.inputShape, w!.shape, dy!.shape, attrs), () => [ptr(dy!), ptr(w!), dx.ptr], 0, macs, attrs.groups === 1 ? attrs.inputShape[1]! : 0);
  return [dx];
}, { dtypes: FLOAT32 });

const backpropFilterKernel = wasmKernel(convOps.conv2dBackpropFilter, (inputs, attrs, ctx) => {
  const [x, dy] = inputs;
  const be = ctx.backend;
  const size = sizeOf(attrs.filterShape);
  const dw = be.alloc('float32', size);
  if (size === 0) return [dw];
  const N = x!.shape[0]!;
  if (sizeOf(dy!.shape) > 0 && winogradApplies(be, x!.shape, attrs.filterShape, dy!.shape, attrs)) {
    winogradFilterGradient(be, ptr(x!), ptr(dy!), dw.ptr, x!.shape, dy!.shape, attrs.padding[0], attrs.padding[2]);
    return [dw];
  }
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
}, { dtypes: FLOAT32 });

/** Convolution kernels of the wasm backend. */
export const convKernels: KernelDef[] = [forwardKernel('conv2d'), forwardKernel('fusedConv2d'), backpropInputKernel, backpropFilterKernel];
