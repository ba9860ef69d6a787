/**
 * The webgpu plugin: the `webgpu` backend and its WGSL kernels, for `use()`.
 * @module
 */
import { getEngine, type KernelDef, type Plugin, REGISTRY_API_VERSION } from '@nn/tensor';
import { WebGPUBackend, type WebGPUBackendOptions, type WebGPUStats } from './backend.js';
import { convKernels } from './kernels/conv.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { indexingKernels } from './kernels/indexing.js';
import { layoutKernels } from './kernels/layout.js';
import { matmulKernels } from './kernels/matmul.js';
import { normKernels } from './kernels/norm.js';
import { poolKernels } from './kernels/pool.js';
import { randomKernels } from './kernels/random.js';
import { reduceKernels } from './kernels/reduce.js';

const kernels: KernelDef[] = [...elementwiseKernels, ...layoutKernels, ...reduceKernels, ...matmulKernels, ...convKernels, ...normKernels, ...poolKernels, ...indexingKernels, ...randomKernels];

let options: WebGPUBackendOptions = {};

/** Options for the webgpu backend created next (a device of your own, the pool limit). Call before `setBackend('webgpu')`. */
export function configureWebGPU(next: WebGPUBackendOptions): void {
  options = { ...next };
}

/**
 * The webgpu backend and its kernels. Priority 0: finding a GPU is
 * asynchronous, so it is never picked by default; choose it with
 * `await setBackend('webgpu')`, which rejects with a `BackendError` when
 * there is no adapter.
 */
export const webgpuPlugin: Plugin = {
  name: '@nn/backend-webgpu',
  apiVersion: REGISTRY_API_VERSION,
  backends: [{ name: 'webgpu', priority: 0, create: () => new WebGPUBackend(options) }],
  kernels,
};

/** The webgpu backend of the current engine (created if needed). */
export function webgpuBackend(): WebGPUBackend {
  return getEngine().instance('webgpu') as WebGPUBackend;
}

/** Buffer, dispatch and transfer counters of the webgpu backend. */
export function webgpuStats(): WebGPUStats {
  return webgpuBackend().stats();
}
