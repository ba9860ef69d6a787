/**
 * @nn/tensor/kernel: what plugin and backend authors need besides the
 * user-facing API: typed kernel and gradient makers, gradient tables the
 * compiler checks, the engine, the cpu backend and the blocked loops its
 * kernels share (`gemm`, row plans for broadcasting, reduction layouts).
 *
 * @example
 * ```ts
 * import { defineOp, use } from '@nn/tensor';
 * import { cpuKernel } from '@nn/tensor/kernel';
 * const square = defineOp({ name: 'acme.square', inputs: ['x'], infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }] });
 * use({ name: 'acme', apiVersion: 1, ops: [square], kernels: [cpuKernel(square, ([x]) => [x!.data.map((v) => v * v)])] });
 * ```
 * @packageDocumentation
 */
export { kernel, kernelsFor, gradient, gradientsOf, catalogOf, type KernelOptions, type VjpFn, type OpCatalog, type DifferentiableOps, type CompositeOps, type GradientTable, type RulesFor } from './op-handle.js';
export { Engine, type DataRef, type GradHook } from './engine.js';
export { CpuBackend, cpuBackendDef, cpuKernel } from './cpu/backend.js';
export { gemm, batchOffsets } from './cpu/matmul.js';
export { biasActivation } from './cpu/fused.js';
export { mulberry32 } from './cpu/random.js';
export { type RowPlan, rowPlan, forEachRow, broadcastStrides, reductionLayout, type ReductionLayout } from './shape.js';
export { corePlugin } from './core-plugin.js';
export type { DataOf } from './backend.js';
