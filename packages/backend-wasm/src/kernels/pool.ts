/**
 * Max pooling (with indices, or the maxima alone), average pooling and max
 * unpooling (max pooling's gradient) for float32 in wasm. Average pooling's
 * gradient and float64 run the cpu kernel over wasm memory.
 * @module
 */
import { avgPoolAxis, type KernelDef, poolOps, sizeOf, ValueError } from '@nn/tensor';
import type { WasmBackend } from '../backend.js';
import { splitRange } from '../backend.js';
import type { ThreadKernel } from '../protocol.js';
import { FLOAT32, wasmKernel } from './wasm-kernel.js';

/** Below this many window reads a pooling runs on one thread (waking a worker costs tens of microseconds). */
const PARALLEL_READS = 1 << 18;

/**
 * Runs a pooling kernel with the planes split over threads: each part gets
 * a geometry of its own plane count (`geometry(planes)`), its first plane
 * p0 and, when `scratchBytes` is given, a scratch buffer of its own.
 */
function overPlanes(be: WasmBackend, kernel: ThreadKernel, planes: number, reads: number, geometry: (planes: number) => number[], argsOf: (p0: number, geo: number, scratch: number) => number[], scratchBytes?: (geo: number) => number): void {
  const parts = reads < PARALLEL_READS ? 1 : Math.min(be.threads, planes);
  const ranges = [[0, planes], ...Array.from({ length: parts > 1 ? parts : 0 }, (_, t) => splitRange(planes, parts, t))];
  const geos = be.args(...ranges.map(([p0, p1]) => geometry(p1! - p0!)));
  const bytes = scratchBytes?.(geos[0]!) ?? 0;
  const scratch = Array.from({ length: bytes > 0 ? parts : 0 }, () => be.temp(bytes));
  try {
    be.parallel(kernel, parts, (t, n) => {
      // ranges[0] is the whole, for a pool that runs fewer parts than asked
      const r = n === parts && parts > 1 ? t + 1 : 0;
      return argsOf(ranges[r]![0]!, geos[r]!, scratch[t] ?? 0);
    });
  } finally {
    for (const b of scratch) be.freeTemp(b, bytes);
  }
}

const maxPoolKernel = wasmKernel(poolOps.maxPool2d, (inputs, attrs, ctx) => {
  const [x] = inputs;
  const be = ctx.backend;
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const [, , OH, OW] = ctx.outputs[0]!.shape as [number, number, number, number];
  const withIndices = attrs.indices !== false;
  const y = be.alloc('float32', N * C * OH * OW), idx = withIndices ? be.alloc('int32', N * C * OH * OW) : null;
  const outs = idx ? [y, idx] : [y];
  if (y.bytes === 0) return outs;
  const { kernel, stride, padding, dilation } = attrs;
  const geometry = (planes: number) => [planes, H, W, OH, OW, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[2], dilation[0], dilation[1]];
  const reads = N * C * OH * OW * kernel[0] * kernel[1];
  if (idx === null) {
    // inference: the maxima alone, each thread with a row buffer of its own
    overPlanes(be, 'maxPoolValues', N * C, reads, geometry, (p0, geo, scratch) => [x!.data.ptr + p0 * H * W * 4, y.ptr + p0 * OH * OW * 4, geo, scratch], (geo) => be.k.maxPoolScratchBytes(geo));
  } else {
    overPlanes(be, 'maxPool2d', N * C, reads, geometry, (p0, geo) => [x!.data.ptr + p0 * H * W * 4, y.ptr + p0 * OH * OW * 4, idx.ptr + p0 * OH * OW * 4, geo]);
  }
  return outs;
}, { dtypes: FLOAT32 });

/**
 * Average pooling, PyTorch's windows and divisors (`countIncludePad`,
 * `ceilMode`): the window's input rows and the divisor's row and column
 * factors are computed here, the sums in SIMD wasm, planes over threads.
 */
const avgPoolKernel = wasmKernel(poolOps.avgPool2d, (inputs, attrs, ctx) => {
  const [x] = inputs;
  const be = ctx.backend;
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const [, , OH, OW] = ctx.outputs[0]!.shape as [number, number, number, number];
  const y = be.alloc('float32', N * C * OH * OW);
  if (y.bytes === 0) return [y];
  const { kernel: [KH, KW], stride: [sh, sw], padding: [pt, pb, pl, pr], countIncludePad } = attrs;
  // rows: h0 [OH], h1 [OH] (i32), then 1/row factor [OH], 1/column factor [OW] (f32)
  const rowsBytes = (3 * OH + OW) * 4;
  const rows = be.temp(rowsBytes);
  const i32 = be.view('int32', rows, 2 * OH), f32 = be.view('float32', rows + 8 * OH, OH + OW);
  const rowsOf = avgPoolAxis(H, OH, KH, sh, pt, pb, countIncludePad), colsOf = avgPoolAxis(W, OW, KW, sw, pl, pr, countIncludePad);
  i32.set(rowsOf.lo);
  i32.set(rowsOf.hi, OH);
  rowsOf.share.forEach((d, oh) => (f32[oh] = 1 / d));
  colsOf.share.forEach((d, ow) => (f32[OH + ow] = 1 / d));
  try {
    overPlanes(be, 'avgPool2d', N * C, N * C * OH * OW * KH * KW, (planes) => [planes, H, W, OH, OW, KH, KW, sh, sw, pt, pl],
      (p0, geo, scratch) => [x!.data.ptr + p0 * H * W * 4, y.ptr + p0 * OH * OW * 4, geo, scratch, rows], (geo) => be.k.avgPoolScratchBytes(geo));
  } finally {
    be.freeTemp(rows, rowsBytes);
  }
  return [y];
}, { dtypes: FLOAT32 });

/** Values put back at their indices: summed (max pooling's gradient) or written (unpooling). */
const unpoolKernel = (op: typeof poolOps.maxUnpool2d, add: boolean) => wasmKernel(op, (inputs, attrs, ctx) => {
  const [x, indices] = inputs;
  const be = ctx.backend;
  const [N, C, h, w] = x!.shape as [number, number, number, number];
  const size = attrs.outputSize[0] * attrs.outputSize[1];
  const out = be.alloc('float32', N * C * size);
  if (out.bytes === 0 || sizeOf(x!.shape) === 0) {
    if (out.bytes > 0) be.view('float32', out.ptr, N * C * size).fill(0);
    return [out];
  }
  const bad = be.k.maxUnpool2d(x!.data.ptr, indices!.data.ptr, out.ptr, N * C, h * w, size, add ? 1 : 0);
  if (bad >= 0) {
    // The same typed error as the cpu kernel's, naming the stray index.
    be.disposeData(out);
    const i = be.view('int32', indices!.data.ptr, sizeOf(indices!.shape))[bad]!;
    throw new ValueError(`index ${i} at position ${bad} is outside the ${size} positions of the output plane (indices from a different pool?)`, op.name);
  }
  return [out];
}, { dtypes: FLOAT32 });

/** Pooling kernels of the wasm backend. */
export const poolKernels: KernelDef[] = [maxPoolKernel, avgPoolKernel, unpoolKernel(poolOps.maxPool2dBackward, true), unpoolKernel(poolOps.maxUnpool2d, false)];
