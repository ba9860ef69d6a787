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
  canReadSync,
  withBackend,
  toCpu,
  coverage,
  memory,
  traceOps,
  tidy,
  keep,
  dispose,
} from './context.js';
export type { MemoryInfo, OpRecorder } from './engine.js';
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
  type CoverageKind,
} from './registry.js';
export { defineOp, type OpHandle, type CompositeOp, type NondifferentiableOp, type AttrsOf, type AttrsArg } from './op-handle.js';
export type { Backend, BackendDef, TensorInfo, TensorMeta } from './backend.js';
// Kernel-writing machinery (gemm, row plans, the engine, typed kernel makers) is in '@nn/tensor/kernel'.
export * from './errors.js';
export { type DType, type TypedArray, DTYPES, isFloat, promoteTypes, allocArray, bytesPerElement } from './dtype.js';
export { type Shape, sizeOf, stridesOf, MAX_ELEMENTS, checkSize, broadcastShapes, normalizeAxis, normalizeAxes, shapesEqual } from './shape.js';
export { formatTensor } from './format.js';
