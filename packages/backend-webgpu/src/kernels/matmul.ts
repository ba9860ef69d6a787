/**
 * Batched matmul with broadcast batch dims and either operand transposed,
 * on the shared tiled GEMM.
 * @module
 */
import { type FusedActivation, fusedOps, type KernelDef, linalgOps, sizeOf } from '@nn/tensor';
import { batchOffsets, kernelsFor } from '@nn/tensor/kernel';
import type { WebGPUBackend } from '../backend.js';
import { declare, FLOAT_HELPERS } from '../wgsl.js';
import { epilogue, fusable } from './epilogue.js';
import { gemmGrid, gemmShader, rowsPerLane } from './gemm.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');

/** Parameters [M, N, K, batches, then per batch the matrix offsets of A and B]. */
function matmulShader(transA: boolean, transB: boolean, R: 1 | 2 | 4, fused?: FusedActivation | null): string {
  return gemmShader(
    declare(fused === undefined ? ['f32', 'f32'] : ['f32', 'f32', 'f32'], ['f32']),
    `${FLOAT_HELPERS}
${fused === undefined ? '' : epilogue(fused)}
fn loadA(batch: u32, m: u32, k: u32) -> f32 {
  let base = p[4u + 2u * batch] * p[0] * p[2];
  return in0[base + ${transA ? 'k * p[0] + m' : 'm * p[2] + k'}];
}
fn loadB(batch: u32, k: u32, n: u32) -> f32 {
  let base = p[5u + 2u * batch] * p[2] * p[1];
  return in1[base + ${transB ? 'n * p[2] + k' : 'k * p[1] + n'}];
}
fn store(batch: u32, m: u32, n: u32, v: f32) { out0[batch * p[0] * p[1] + m * p[1] + n] = ${fused === undefined ? 'v' : 'epilogue(v + in2[n])'}; }`,
    R,
  );
}

const matmulKernel = kernel(
  linalgOps.matmul,
  ([a, b], { transposeA, transposeB }, { backend, outputs }) => {
    const shape = outputs[0]!.shape;
    const r = shape.length;
    const M = shape[r - 2]!, N = shape[r - 1]!;
    const K = transposeA ? a!.shape[a!.shape.length - 2]! : a!.shape[a!.shape.length - 1]!;
    const batch = shape.slice(0, -2);
    const aOff = batchOffsets(batch, a!.shape.slice(0, -2)), bOff = batchOffsets(batch, b!.shape.slice(0, -2));
    const params = [M, N, K, aOff.length];
    for (let t = 0; t < aOff.length; t++) params.push(aOff[t]!, bOff[t]!);
    const out = backend.alloc('float32', sizeOf(shape));
    if (K === 0) backend.clear(out);
    else backend.dispatch({ code: matmulShader(transposeA, transposeB, rowsPerLane(M)), inputs: [a!.data, b!.data], outputs: [out], params, workgroups: gemmGrid(M, N, aOff.length) });
    return [out];
  },
  { dtypes: ['float32'] },
);

/** fusedLinear: x·Wᵀ + b and the activation, one dispatch (x's leading dims are its rows). */
const fusedLinearKernel = kernel(
  fusedOps.fusedLinear,
  ([x, w, b], { activation }, { backend, outputs }) => {
    const [N, K] = w!.shape as [number, number];
    const size = sizeOf(outputs[0]!.shape);
    const M = size / N;
    const out = backend.alloc('float32', size);
    if (size > 0) backend.dispatch({ code: matmulShader(false, true, rowsPerLane(M), activation), inputs: [x!.data, w!.data, b!.data], outputs: [out], params: [M, N, K, 1, 0, 0], workgroups: gemmGrid(M, N, 1) });
    return [out];
  },
  { dtypes: ['float32'], accepts: (_inputs, { activation }) => fusable(activation) },
);

/** The matmul kernels. */
export const matmulKernels: KernelDef[] = [matmulKernel, fusedLinearKernel];
