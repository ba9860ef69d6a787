/**
 * @nn/backend-wasm: a SIMD, multi-threaded WebAssembly backend for nn.
 *
 * @example
 * ```ts
 * import { matmul, randn, setBackend, use } from '@nn/tensor';
 * import { wasmPlugin } from '@nn/backend-wasm';
 * use(wasmPlugin);
 * await setBackend('wasm'); // resolves when the worker threads run
 * const y = matmul(randn([256, 256]), randn([256, 256]));
 * console.log(y.shape); // [256, 256]
 * ```
 * @packageDocumentation
 */
export { WasmBackend, type WasmBackendOptions, type WasmData } from './backend.js';
export { Heap, WasmOutOfMemoryError, sizeClass } from './heap.js';
export { wasmPlugin, configureWasm, setThreads, getThreads, wasmBackend, wasmKernelKinds } from './plugin.js';
export { sharedMemorySupported, relaxedSimdSupported, simdSupported, type KernelExports } from './module.js';
