/**
 * The linear-algebra plugin: ops, cpu kernels and gradients. The
 * front-end functions register it on first use.
 * @module
 */
import { getRegistry, type Plugin, REGISTRY_API_VERSION } from '@nn/tensor';
import { linalgGradients } from './gradients.js';
import { linalgKernels, linalgOps } from './ops.js';

/** The ops `linalg.cholesky`, `linalg.triangularSolve` and `linalg.solve`, their cpu kernels and gradients. */
export const linalgPlugin: Plugin = {
  name: '@nn/linalg',
  apiVersion: REGISTRY_API_VERSION,
  ops: Object.values(linalgOps),
  kernels: linalgKernels,
  gradients: linalgGradients,
};

/** Registers the plugin into the current registry (once). */
export function ensureLinalgPlugin(): void {
  const registry = getRegistry();
  if (!registry.hasPlugin(linalgPlugin.name)) registry.use(linalgPlugin);
}
