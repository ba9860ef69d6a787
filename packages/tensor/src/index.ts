/**
 * @nn/tensor: tensors, dtypes, shapes and broadcasting, the registry (ops,
 * kernels, gradients, backends, plugins), the engine (dispatch, memory
 * scopes), the primitive op set and the `cpu` backend.
 *
 * @example
 * ```ts
 * import { tensor, tidy } from '@nn/tensor';
 * const y = tidy(() => tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).relu());
 * console.log(y.toString()); // tensor([[3.], [7.]])
 * ```
 * @packageDocumentation
 */
export { Tensor, TENSOR_BRAND, type NestedArray, type TensorLike, type IndexSpec } from './tensor.js';
export * from './ops/index.js';
export {
  getEngine,
  getRegistry,
  withEngine,
  createEngine,
  use,
  setBackend,
  getBackend,
  activeBackend,
  coverage,
  memory,
  tidy,
  keep,
  dispose,
} from './context.js';
export { Engine, type DataRef, type GradHook, type MemoryInfo } from './engine.js';
export {
  Registry,
  type Attrs,
  type OpDef,
  type KernelDef,
  type KernelFn,
  type KernelContext,
  type GradientDef,
  type GradientContext,
  type Plugin,
  type CoverageRow,
} from './registry.js';
export type { Backend, BackendDef, TensorInfo, TensorMeta } from './backend.js';
export { corePlugin } from './core-plugin.js';
export { CpuBackend, cpuBackendDef } from './cpu/backend.js';
export { gemm, batchOffsets } from './cpu/matmul.js';
export { biasActivation } from './cpu/fused.js';
export * from './errors.js';
export { type DType, type TypedArray, DTYPES, isFloat, promoteTypes, allocArray, bytesPerElement } from './dtype.js';
export { type Shape, type RowPlan, sizeOf, stridesOf, MAX_ELEMENTS, checkSize, broadcastShapes, normalizeAxis, normalizeAxes, shapesEqual, rowPlan, forEachRow, broadcastStrides, reductionLayout, type ReductionLayout } from './shape.js';
export { formatTensor } from './format.js';
export { mulberry32 } from './cpu/random.js';
