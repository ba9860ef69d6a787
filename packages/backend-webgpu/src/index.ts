/**
 * @nn/backend-webgpu: a WebGPU backend for nn, with WGSL kernels, in
 * browsers and in Node (through Dawn, the `webgpu` npm package).
 *
 * @example
 * ```ts
 * import { matmul, randn, setBackend, use } from '@nn/tensor';
 * import { webgpuPlugin } from '@nn/backend-webgpu';
 * use(webgpuPlugin);
 * await setBackend('webgpu'); // rejects with a BackendError when there is no GPU adapter
 * const y = matmul(randn([256, 256]), randn([256, 256]));
 * console.log(y.shape, (await y.data()).length); // [256, 256] 65536
 * ```
 * @packageDocumentation
 */
export { WebGPUBackend, type WebGPUBackendOptions, type WebGPUStats, type GpuData, type Dispatch, f32Bits, grid, wgslType, WORKGROUP, GLOBAL_INDEX } from './backend.js';
export { requestDevice, type GpuDevice } from './device.js';
export { webgpuPlugin, configureWebGPU, webgpuBackend, webgpuStats } from './plugin.js';
