/**
 * The convolution plugin: cpu kernels and gradients of the convolution and
 * pooling ops that @nn/tensor declares. Front-end functions register it on
 * first use.
 * @module
 */
import { getRegistry, type Plugin, REGISTRY_API_VERSION } from '@nn/tensor';
import { batchNormGradients, batchNormKernels } from './batch-norm-ops.js';
import { convGradients, convKernels } from './conv-ops.js';
import { interpolateOp } from './functional.js';
import { lrnOp } from './lrn.js';
import { poolGradients, poolKernels } from './pool-ops.js';

/** cpu kernels and gradients of the convolution, pooling, unpooling and batch-norm ops, and the local response normalisation and interpolation ops. */
export const convPlugin: Plugin = {
  name: '@nn/layers-conv',
  apiVersion: REGISTRY_API_VERSION,
  get ops() {
    // a getter: lrn.ts, functional.ts and this module import each other
    return [lrnOp, interpolateOp];
  },
  kernels: [...convKernels, ...poolKernels, ...batchNormKernels],
  gradients: [...convGradients, ...poolGradients, ...batchNormGradients],
};

/** Registers the plugin into the current registry (once); the front-ends call it. */
export function ensureConvPlugin(): void {
  const registry = getRegistry();
  if (!registry.hasPlugin(convPlugin.name)) registry.use(convPlugin);
}
