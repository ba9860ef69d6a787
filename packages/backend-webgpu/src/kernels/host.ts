/**
 * Running an op's cpu kernel over host copies and uploading the result:
 * for ops whose inputs are all known on the host (random draws, which have
 * none; a batch gathered from a data set written from the host), so the
 * result is known on the host too and `dataSync()` keeps working for it.
 * @module
 */
import type { Attrs, KernelContext, TensorInfo, TypedArray } from '@nn/tensor';
import type { GpuData, WebGPUBackend } from '../backend.js';

/** True when every input's values are on the host. */
export function allOnHost(inputs: readonly TensorInfo<GpuData>[]): boolean {
  return inputs.every((x) => x.data.host !== undefined);
}

/** The op's cpu kernel over the inputs' host values, its outputs uploaded (with their host values kept). */
export function runOnHost(op: string, inputs: readonly TensorInfo<GpuData>[], attrs: Attrs, ctx: KernelContext<WebGPUBackend>): GpuData[] {
  const cpu = ctx.registry.kernel(op, 'cpu')!;
  const outs = cpu.run(inputs.map((x) => ({ shape: x.shape, dtype: x.dtype, data: x.data.host! })), attrs, ctx as never) as TypedArray[];
  return outs.map((o, i) => ctx.backend.write(o, ctx.outputs[i]!.dtype, ctx.outputs[i]!.shape));
}

