/**
 * Layout kernels. They move 32-bit words whatever the dtype, so one shader
 * serves float32, int32 and bool: a strided gather (transpose, broadcast,
 * slice, clone), its inverse scatter (sliceScatter, pad) and a block copy
 * (concat). Reshape shares its input's buffer.
 * @module
 */
import { type DType, type KernelDef, layoutOps, sizeOf, stridesOf } from '@nn/tensor';
import { broadcastStrides, kernelsFor } from '@nn/tensor/kernel';
import { f32Bits, type GpuData, GLOBAL_INDEX, grid, type WebGPUBackend } from '../backend.js';
import { declare } from '../wgsl.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');

/** Parameters [n, offset, shape (rank), strides (rank)]; each element's source (or destination) is offset + Σ index·stride. */
function stridedShader(rank: number, scatter: boolean): string {
  return `${declare(['u32'], ['u32'])}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  var rem = i;
  var at = bitcast<i32>(p[1]);
  for (var d = 0u; d < ${rank}u; d++) {
    let axis = ${rank - 1}u - d;
    let size = p[2u + axis];
    at += i32(rem % size) * bitcast<i32>(p[${2 + rank}u + axis]);
    rem = rem / size;
  }
  ${scatter ? 'out0[u32(at)] = in0[i];' : 'out0[i] = in0[u32(at)];'}
}`;
}

/** out[i] = x[offset + Σ index_d·strides[d]] over the indices of `shape`. */
export function stridedCopy(backend: WebGPUBackend, x: GpuData, offset: number, strides: readonly number[], shape: readonly number[], dtype: DType): GpuData {
  const n = sizeOf(shape);
  const out = backend.alloc(dtype, n);
  backend.dispatch({ code: stridedShader(shape.length, false), inputs: [x], outputs: [out], params: [n, offset, ...shape, ...strides], workgroups: grid(n) });
  return out;
}

/** dst[offset + Σ index_d·strides[d]] = x[i] over the indices of `shape` (dst is written in place). */
function stridedScatter(backend: WebGPUBackend, x: GpuData, dst: GpuData, offset: number, strides: readonly number[], shape: readonly number[]): void {
  const n = sizeOf(shape);
  backend.dispatch({ code: stridedShader(shape.length, true), inputs: [x], outputs: [dst], params: [n, offset, ...shape, ...strides], workgroups: grid(n) });
}

/** The 32-bit word a dtype stores `value` as. */
function word(dtype: DType, value: number): number {
  return dtype === 'float32' ? f32Bits(value) : dtype === 'bool' ? (value !== 0 ? 1 : 0) : value | 0;
}

const fillShader = `${declare([], ['u32'])}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  out0[i] = p[1];
}`;

/** A new buffer of `n` elements, each `value`. */
export function filled(backend: WebGPUBackend, dtype: DType, n: number, value: number): GpuData {
  const out = backend.alloc(dtype, n);
  if (value === 0) backend.clear(out);
  else backend.dispatch({ code: fillShader, inputs: [], outputs: [out], params: [n, word(dtype, value)], workgroups: grid(n) });
  return out;
}

const copyBlocksShader = `${declare(['u32'], ['u32'])}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  let chunk = p[1];
  out0[(i / chunk) * p[2] + p[3] + i % chunk] = in0[i];
}`;

const reshapeKernel = kernel(layoutOps.reshape, ([x]) => [x!.data]);

const cloneKernel = kernel(layoutOps.clone, ([x], _attrs, { backend }) => [stridedCopy(backend, x!.data, 0, stridesOf(x!.shape), x!.shape, x!.dtype)]);

const transposeKernel = kernel(layoutOps.transpose, ([x], { perm }, { backend, outputs }) => {
  const strides = stridesOf(x!.shape);
  return [stridedCopy(backend, x!.data, 0, perm.map((p) => strides[p]!), outputs[0]!.shape, x!.dtype)];
});

const broadcastToKernel = kernel(layoutOps.broadcastTo, ([x], { shape }, { backend }) => [stridedCopy(backend, x!.data, 0, broadcastStrides(x!.shape, shape), shape, x!.dtype)]);

const sliceKernel = kernel(layoutOps.slice, ([x], { begin, step }, { backend, outputs }) => {
  const strides = stridesOf(x!.shape);
  const offset = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
  return [stridedCopy(backend, x!.data, offset, strides.map((s, i) => s * step[i]!), outputs[0]!.shape, x!.dtype)];
});

const sliceScatterKernel = kernel(layoutOps.sliceScatter, ([x], { shape, begin, step }, { backend }) => {
  const out = filled(backend, x!.dtype, sizeOf(shape), 0);
  const strides = stridesOf(shape);
  const offset = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
  stridedScatter(backend, x!.data, out, offset, strides.map((s, i) => s * step[i]!), x!.shape);
  return [out];
});

const padKernel = kernel(layoutOps.pad, ([x], { pads, value }, { backend, outputs }) => {
  const shape = outputs[0]!.shape;
  const out = filled(backend, x!.dtype, sizeOf(shape), value);
  const strides = stridesOf(shape);
  const offset = pads.reduce((acc, [before], i) => acc + before * strides[i]!, 0);
  stridedScatter(backend, x!.data, out, offset, strides, x!.shape);
  return [out];
});

const concatKernel = kernel(layoutOps.concat, (xs, { axis }, { backend, outputs }) => {
  const shape = outputs[0]!.shape;
  const ax = axis < 0 ? axis + shape.length : axis;
  const out = backend.alloc(outputs[0]!.dtype, sizeOf(shape));
  const outRow = sizeOf(shape.slice(ax));
  let start = 0;
  for (const x of xs) {
    const n = sizeOf(x.shape), chunk = sizeOf(x.shape.slice(ax));
    if (n > 0) backend.dispatch({ code: copyBlocksShader, inputs: [x.data], outputs: [out], params: [n, chunk, outRow, start], workgroups: grid(n) });
    start += chunk;
  }
  return [out];
});

/** Kernels of the layout ops. */
export const layoutKernels: KernelDef[] = [reshapeKernel, cloneKernel, transposeKernel, broadcastToKernel, sliceKernel, sliceScatterKernel, padKernel, concatKernel];
