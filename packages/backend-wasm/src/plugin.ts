/**
 * The wasm plugin: the `wasm` backend and its kernels, for `use()`.
 * @module
 */
import { activeBackend, getEngine, getRegistry, type KernelDef, type Plugin, REGISTRY_API_VERSION } from '@nn/tensor';
import { WasmBackend, type WasmBackendOptions } from './backend.js';
import { convKernels } from './kernels/conv.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { layoutKernels } from './kernels/layout.js';
import { matmulKernels } from './kernels/matmul.js';
import { normKernels } from './kernels/norm.js';
import { poolKernels } from './kernels/pool.js';
import { recurrentKernels } from './kernels/recurrent.js';
import { reduceKernels } from './kernels/reduce.js';
import { softmaxKernels } from './kernels/softmax.js';

/** Kernels compiled to SIMD WebAssembly (float32; other dtypes of these ops run the cpu kernel over wasm memory). */
const nativeKernels: KernelDef[] = [...elementwiseKernels, ...reduceKernels, ...matmulKernels, ...layoutKernels, ...softmaxKernels, ...convKernels, ...poolKernels, ...normKernels, ...recurrentKernels];

/**
 * How the wasm backend runs each op it has a kernel for: `simd` (compiled
 * kernel) or `host` (no kernel of its own: the cpu kernel runs over wasm
 * memory, see `BackendDef.hostAddressable`). `coverage()` gives the same
 * per backend, with the dtypes each kernel takes.
 */
export function wasmKernelKinds(): Record<string, 'simd' | 'host'> {
  const kinds: Record<string, 'simd' | 'host'> = {};
  for (const row of getRegistry().coverage()) {
    if (row.backends.wasm === 'kernel') kinds[row.op] = 'simd';
    else if (row.backends.wasm === 'host') kinds[row.op] = 'host';
  }
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
  backends: [{ name: 'wasm', priority: 2, create: () => new WasmBackend(options), hostAddressable: true }],
  kernels: nativeKernels,
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
