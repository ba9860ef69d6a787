/**
 * The random primitives draw on the host with the cpu kernels' mulberry32
 * streams and upload the values, so a seed gives the same numbers on
 * webgpu as on cpu and wasm. (They take no tensor inputs, so nothing waits
 * for the GPU.)
 * @module
 */
import { type KernelDef, randomOps } from '@nn/tensor';
import { kernelsFor } from '@nn/tensor/kernel';
import type { WebGPUBackend } from '../backend.js';
import { runOnHost } from './host.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');

function hostRandom(op: (typeof randomOps)[keyof typeof randomOps]): KernelDef {
  return kernel(op, (inputs, attrs, ctx) => runOnHost(op.name, inputs, attrs, ctx), { accepts: (_inputs, attrs) => (attrs as { dtype?: string }).dtype !== 'float64' });
}

/** Kernels of the random ops. */
export const randomKernels: KernelDef[] = [hostRandom(randomOps.randomUniform), hostRandom(randomOps.randomNormal), hostRandom(randomOps.randomInt)];
