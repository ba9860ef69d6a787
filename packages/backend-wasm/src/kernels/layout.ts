/**
 * Layout kernels, all one strided copy in wasm (any dtype): transpose,
 * broadcastTo, slice, sliceScatter, pad, concat; reshape shares storage and
 * clone copies bytes.
 * @module
 */
import { bytesPerElement, type DType, type KernelDef, layoutOps, sizeOf, stridesOf } from '@nn/tensor';
import { broadcastStrides } from '@nn/tensor/kernel';
import type { WasmBackend } from '../backend.js';
import { wasmKernel } from './wasm-kernel.js';

const SHIFT: Record<DType, number> = { bool: 0, int32: 2, float32: 2, float64: 3 };

/**
 * dst[dstOffset + Σ i_d·dstStrides[d]] = src[srcOffset + Σ i_d·srcStrides[d]]
 * over every index of `shape` (offsets and strides in elements).
 */
export function stridedCopy(
  be: WasmBackend, dtype: DType, shape: readonly number[],
  src: number, srcOffset: number, srcStrides: readonly number[],
  dst: number, dstOffset: number, dstStrides: readonly number[],
): void {
  if (sizeOf(shape) === 0) return;
  const [s, ss, ds, counters] = be.args(shape, srcStrides, dstStrides, shape);
  const e = bytesPerElement(dtype);
  be.k.copyStrided(src + srcOffset * e, dst + dstOffset * e, shape.length, s!, ss!, ds!, counters!, SHIFT[dtype]);
}

/** Fills `n` elements at `ptr` with `value`. */
function fill(be: WasmBackend, dtype: DType, ptr: number, n: number, value: number): void {
  if (n > 0) be.view(dtype, ptr, n).fill(dtype === 'bool' ? Number(value !== 0) : value);
}

const reshapeKernel = wasmKernel(layoutOps.reshape, ([x]) => [x!.data]);

const cloneKernel = wasmKernel(layoutOps.clone, ([x], _attrs, { backend }) => {
  const be = backend;
  const src = x!.data;
  const o = be.alloc(x!.dtype, sizeOf(x!.shape));
  if (o.bytes > 0) new Uint8Array(be.k.memory.buffer).copyWithin(o.ptr, src.ptr, src.ptr + src.bytes);
  return [o];
});

const transposeKernel = wasmKernel(layoutOps.transpose, ([x], { perm }, { backend, outputs }) => {
  const be = backend;
  const out = outputs[0]!;
  const o = be.alloc(out.dtype, sizeOf(out.shape));
  const strides = stridesOf(x!.shape);
  stridedCopy(be, out.dtype, out.shape, x!.data.ptr, 0, perm.map((p) => strides[p]!), o.ptr, 0, stridesOf(out.shape));
  return [o];
});

const broadcastToKernel = wasmKernel(layoutOps.broadcastTo, ([x], { shape }, { backend, outputs }) => {
  const be = backend;
  const o = be.alloc(outputs[0]!.dtype, sizeOf(shape));
  stridedCopy(be, x!.dtype, shape, x!.data.ptr, 0, broadcastStrides(x!.shape, shape), o.ptr, 0, stridesOf(shape));
  return [o];
});

const sliceKernel = wasmKernel(layoutOps.slice, ([x], { begin, step }, { backend, outputs }) => {
  const be = backend;
  const out = outputs[0]!;
  const o = be.alloc(out.dtype, sizeOf(out.shape));
  const strides = stridesOf(x!.shape);
  const offset = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
  stridedCopy(be, out.dtype, out.shape, x!.data.ptr, offset, strides.map((s, i) => s * step[i]!), o.ptr, 0, stridesOf(out.shape));
  return [o];
});

const sliceScatterKernel = wasmKernel(layoutOps.sliceScatter, ([x], { shape, begin, step }, { backend, outputs }) => {
  const be = backend;
  const dtype = outputs[0]!.dtype;
  const o = be.alloc(dtype, sizeOf(shape));
  fill(be, dtype, o.ptr, sizeOf(shape), 0);
  const strides = stridesOf(shape);
  const offset = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
  stridedCopy(be, dtype, x!.shape, x!.data.ptr, 0, stridesOf(x!.shape), o.ptr, offset, strides.map((s, i) => s * step[i]!));
  return [o];
});

const padKernel = wasmKernel(layoutOps.pad, ([x], { pads, value }, { backend, outputs }) => {
  const be = backend;
  const out = outputs[0]!;
  const n = sizeOf(out.shape);
  const o = be.alloc(out.dtype, n);
  fill(be, out.dtype, o.ptr, n, value);
  const strides = stridesOf(out.shape);
  const offset = pads.reduce((acc, [before], i) => acc + before * strides[i]!, 0);
  stridedCopy(be, out.dtype, x!.shape, x!.data.ptr, 0, stridesOf(x!.shape), o.ptr, offset, strides);
  return [o];
});

const concatKernel = wasmKernel(layoutOps.concat, (xs, { axis }, { backend, outputs }) => {
  const be = backend;
  const out = outputs[0]!;
  const ax = axis < 0 ? axis + out.shape.length : axis;
  const o = be.alloc(out.dtype, sizeOf(out.shape));
  const outStrides = stridesOf(out.shape);
  let start = 0;
  for (const x of xs) {
    stridedCopy(be, out.dtype, x.shape, x.data.ptr, 0, stridesOf(x.shape), o.ptr, start * outStrides[ax]!, outStrides);
    start += x.shape[ax]!;
  }
  return [o];
});

/** Layout kernels of the wasm backend. */
export const layoutKernels: KernelDef[] = [reshapeKernel, cloneKernel, transposeKernel, broadcastToKernel, sliceKernel, sliceScatterKernel, padKernel, concatKernel];
