/**
 * The wasm plugin: the `wasm` backend and its kernels, for `use()`.
 * @module
 */
import { activeBackend, getEngine, type KernelDef, type Plugin, REGISTRY_API_VERSION } from '@nn/tensor';
import { WasmBackend, type WasmBackendOptions } from './backend.js';
import { convKernels } from './kernels/conv.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { hostKernel } from './kernels/host.js';
import { layoutKernels } from './kernels/layout.js';
import { matmulKernels } from './kernels/matmul.js';
import { poolKernels } from './kernels/pool.js';
import { recurrentKernels } from './kernels/recurrent.js';
import { reduceKernels } from './kernels/reduce.js';
import { softmaxKernels } from './kernels/softmax.js';

/** Kernels compiled to SIMD WebAssembly (float32; other dtypes of these ops run on the host). */
const nativeKernels: KernelDef[] = [...elementwiseKernels, ...reduceKernels, ...matmulKernels, ...layoutKernels, ...softmaxKernels, ...convKernels, ...poolKernels, ...recurrentKernels];

/**
 * Ops the wasm backend runs with their cpu kernel over its own memory (no
 * input copies). The ops of @nn/activations and @nn/layers-conv are listed
 * by name; they apply once those packages register their ops.
 */
export const HOST_OPS: readonly string[] = [
  'where', 'cast', 'gather', 'scatterAdd', 'oneHot', 'argmax', 'argmin', 'logicalNot', 'logicalAnd', 'logicalOr',
  'randomUniform', 'randomNormal', 'randomInt',
  'erf',
  'avgPool2d', 'avgPool2dBackward', 'spatialGather',
];

/** How the wasm backend runs each op it has a kernel for: `simd` (compiled kernel) or `host` (cpu kernel over wasm memory). */
export function wasmKernelKinds(): Record<string, 'simd' | 'host'> {
  const kinds: Record<string, 'simd' | 'host'> = {};
  for (const k of nativeKernels) kinds[k.op] = 'simd';
  for (const op of HOST_OPS) kinds[op] = 'host';
  return kinds;
}

let options: WasmBackendOptions = {};

/**
 * Options for the wasm backend created next (the registry creates it on
 * first use). Call before `setBackend('wasm')`.
 */
export function configureWasm(next: WasmBackendOptions): void {
  options = { ...next };
}

/** The wasm backend and its kernels. Priority 2: it wins over `cpu` by default once registered. */
export const wasmPlugin: Plugin = {
  name: '@nn/backend-wasm',
  apiVersion: REGISTRY_API_VERSION,
  backends: [{ name: 'wasm', priority: 2, create: () => new WasmBackend(options) }],
  kernels: [...nativeKernels, ...HOST_OPS.map(hostKernel)],
};

/** The wasm backend instance of the current engine (created if needed). */
export function wasmBackend(): WasmBackend {
  return getEngine().instance('wasm') as WasmBackend;
}

/**
 * Sets the number of threads of the wasm backend (default: the number of
 * cores); resolves when they run. Results do not depend on it beyond float
 * rounding.
 */
export async function setThreads(n: number): Promise<void> {
  await wasmBackend().ready;
  await wasmBackend().setThreads(n);
}

/** Threads the wasm backend runs kernels on. */
export function getThreads(): number {
  return wasmBackend().threads;
}

/** True when the active backend is wasm. */
export function isWasmActive(): boolean {
  return activeBackend().name === 'wasm';
}
