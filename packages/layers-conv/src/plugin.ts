/**
 * The convolution plugin: conv and pooling ops with cpu kernels and
 * gradients. Front-end functions register it on first use.
 * @module
 */
import { getEngine, getRegistry, type Plugin, REGISTRY_API_VERSION, type Tensor } from '@nn/tensor';
import { convGradients, convKernels, convOpDefs } from './conv-ops.js';
import { convTransposeDef } from './conv-transpose.js';
import { fusedConv2dDef } from './fused-conv.js';
import { poolGradients, poolKernels, poolOpDefs } from './pool-ops.js';

/** Convolution, pooling and unpooling ops, their cpu kernels and gradients. */
export const convPlugin: Plugin = {
  name: '@nn/layers-conv',
  apiVersion: REGISTRY_API_VERSION,
  ops: [...convOpDefs, fusedConv2dDef, convTransposeDef, ...poolOpDefs],
  kernels: [...convKernels, ...poolKernels],
  gradients: [...convGradients, ...poolGradients],
};

/** Runs one of this package's ops, registering the plugin first. */
export function runConvOp(op: string, inputs: Tensor[], attrs: Record<string, unknown>): Tensor[] {
  const registry = getRegistry();
  if (!registry.hasPlugin(convPlugin.name)) registry.use(convPlugin);
  return getEngine().run(op, inputs, attrs);
}
