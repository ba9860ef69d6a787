/**
 * The random primitives draw on the host with the cpu kernels' mulberry32
 * streams and upload the values, so a seed gives the same numbers on
 * webgpu as on cpu and wasm. (They take no tensor inputs, so nothing waits
 * for the GPU.)
 * @module
 */
import { type KernelDef, randomOps, type TypedArray } from '@nn/tensor';
import { kernelsFor } from '@nn/tensor/kernel';
import type { WebGPUBackend } from '../backend.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');

function hostRandom(op: (typeof randomOps)[keyof typeof randomOps]): KernelDef {
  return kernel(op, (inputs, attrs, ctx) => {
    const cpu = ctx.registry.kernel(op.name, 'cpu')!;
    const [values] = cpu.run(inputs, attrs, ctx) as TypedArray[];
    return [ctx.backend.write(values!, ctx.outputs[0]!.dtype, ctx.outputs[0]!.shape)];
  }, { accepts: (_inputs, attrs) => (attrs as { dtype?: string }).dtype !== 'float64' });
}

/** Kernels of the random ops. */
export const randomKernels: KernelDef[] = [hostRandom(randomOps.randomUniform), hostRandom(randomOps.randomNormal), hostRandom(randomOps.randomInt)];
