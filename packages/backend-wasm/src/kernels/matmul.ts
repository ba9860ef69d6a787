/**
 * Matmul: the packed SIMD GEMM of assembly/gemm.ts, batched with NumPy
 * broadcasting. A large product is split over threads by column panels (or
 * row panels when it is taller than wide); each thread packs into its own
 * scratch. Other dtypes run on the host.
 * @module
 */
import { fusedOps, type KernelDef, linalgOps, sizeOf } from '@nn/tensor';
import { batchOffsets } from '@nn/tensor/kernel';
import { activationCode } from './elementwise.js';
import { splitRange, type WasmBackend } from '../backend.js';
import { FLOAT32, wasmKernel } from './wasm-kernel.js';

/** Below this many multiply-adds a product runs on one thread (a pool round trip costs about 10 µs). */
const PARALLEL_MACS = 1 << 18;

/** Below this many rows of op(A), B is read in place rather than packed (batch-1 inference). */
const FEW_ROWS = 4;

/** C (M x N) = op(A) · op(B) on the backend's threads; pointers are byte offsets. */
export function gemm(be: WasmBackend, a: number, transA: boolean, b: number, transB: boolean, c: number, M: number, N: number, K: number, accumulate = false): void {
  const parts = M * N * K >= PARALLEL_MACS ? be.threads : 1;
  if (M < FEW_ROWS) {
    be.parallel('gemmFewRows', parts, (t, n) => {
      const [n0, n1] = splitRange(N, n, t, 16);
      return [a, +transA, b, +transB, c, M, N, K, n0, n1, be.gemmScratch(t), +accumulate];
    });
    return;
  }
  const byColumns = N >= M;
  be.parallel('gemm', parts, (t, n) => {
    const [lo, hi] = byColumns ? splitRange(N, n, t, 8) : splitRange(M, n, t, 4);
    const [m0, m1, n0, n1] = byColumns ? [0, M, lo, hi] : [lo, hi, 0, N];
    return [a, +transA, b, +transB, c, M, N, K, m0, m1, n0, n1, be.gemmScratch(t), +accumulate];
  });
}

const matmulKernel = wasmKernel(linalgOps.matmul, (inputs, attrs, ctx) => {
  const [a, b] = inputs;
  const be = ctx.backend;
  const out = ctx.outputs[0]!;
  const o = be.alloc('float32', sizeOf(out.shape));
  const ra = a!.shape.length, rc = out.shape.length;
  const M = out.shape[rc - 2]!, N = out.shape[rc - 1]!;
  const K = attrs.transposeA ? a!.shape[ra - 2]! : a!.shape[ra - 1]!;
  const batch = out.shape.slice(0, -2);
  const aOff = batchOffsets(batch, a!.shape.slice(0, -2));
  const bOff = batchOffsets(batch, b!.shape.slice(0, -2));
  const ap = a!.data.ptr, bp = b!.data.ptr;
  for (let t = 0; t < aOff.length; t++) {
    gemm(be, ap + aOff[t]! * M * K * 4, attrs.transposeA, bp + bOff[t]! * K * N * 4, attrs.transposeB, o.ptr + t * M * N * 4, M, N, K);
  }
  return [o];
}, { dtypes: FLOAT32 });

/** y = act(x Wᵀ + b): the GEMM, then the bias and activation row by row while in cache. */
const fusedLinearKernel = wasmKernel(fusedOps.fusedLinear, (inputs, attrs, ctx) => {
  const [x, w, b] = inputs;
  const be = ctx.backend;
  const [N, K] = w!.shape as [number, number];
  const size = sizeOf(ctx.outputs[0]!.shape);
  const o = be.alloc('float32', size);
  if (size === 0) return [o];
  const M = size / N;
  gemm(be, x!.data.ptr, false, w!.data.ptr, true, o.ptr, M, N, K);
  const [code, param] = activationCode(attrs.activation);
  be.k.biasRows(o.ptr, b!.data.ptr, M, N, code, param);
  return [o];
}, { dtypes: FLOAT32 });

/** Linear-algebra kernels of the wasm backend. */
export const matmulKernels: KernelDef[] = [matmulKernel, fusedLinearKernel];
