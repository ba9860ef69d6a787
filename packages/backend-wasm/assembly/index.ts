// The kernels of @nn/backend-wasm. Memory is imported (and shared between
// threads); no kernel allocates: TypeScript passes every buffer, scratch
// included, as a pointer.
export { gemm, GEMM_SCRATCH_BYTES } from './gemm';
export { gemmFewRows } from './gemv';
export { unary, binary, compare } from './elementwise';
export { reduce } from './reduce';
export { copyStrided, fill32 } from './copy';
export { softmax } from './softmax';
export { biasRows, biasPlanes } from './epilogue';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, convScratchBytes } from './conv';
export { winogradFilter, winogradConv, winogradScratchBytes, winogradBlocks, winogradFilterGradient, winogradFilterGradientFinish, winogradGradientScratchBytes } from './winograd';

/** The first byte TypeScript may allocate (past static data). */
export function heapBase(): usize {
  return __heap_base;
}
export { maxPool2d, maxPoolValues, maxPoolScratchBytes, avgPool2d, avgPoolScratchBytes, maxUnpool2d } from './pool';
export { lstmCell, lstmCellBackward, gruCell, gruCellBackward, indRnnCell, indRnnCellBackward } from './recurrent';
export { batchNormForward, batchNormBackward } from './batch-norm';
