/**
 * The core plugin: the primitive and composite op set and the `cpu` backend.
 * @module
 */
import { REGISTRY_API_VERSION } from './errors.js';
import { cpuBackendDef } from './cpu/backend.js';
import { cpuKernels } from './cpu/kernels.js';
import { coreOpDefs } from './ops/index.js';
import type { Plugin } from './registry.js';

/**
 * The ops of @nn/tensor with their `cpu` kernels. The default engine
 * registers it on first use. (Getters, because the op modules and the engine
 * import each other and the lists exist only once every module has loaded.)
 */
export const corePlugin: Plugin = {
  name: '@nn/tensor',
  apiVersion: REGISTRY_API_VERSION,
  get ops() {
    return coreOpDefs();
  },
  get backends() {
    return [cpuBackendDef];
  },
  get kernels() {
    return cpuKernels();
  },
};
