/**
 * Running an op's cpu kernel over host copies and uploading the result:
 * for ops whose inputs are all known on the host (random draws, which have
 * none; a batch gathered from a data set written from the host), so the
 * result is known on the host too and `dataSync()` keeps working for it.
 * @module
 */
import { type Attrs, BackendError, fmtShape, type KernelContext, type KernelDef, type TensorInfo, type TypedArray } from '@nn/tensor';
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

/**
 * A kernel for an op with no WGSL version whose values decide its errors
 * (a Cholesky factorization that finds the matrix is not positive
 * definite): it runs the cpu kernel when the inputs are on the host, and
 * otherwise refuses with an error naming the op and the way out, instead of
 * returning NaN for a failure the GPU cannot report.
 */
export function hostOnlyKernel(op: string): KernelDef<Attrs, WebGPUBackend> {
  return {
    op,
    backend: 'webgpu',
    dtypes: ['float32'],
    run(inputs, attrs, ctx) {
      if (allOnHost(inputs)) return runOnHost(op, inputs, attrs, ctx);
      throw new BackendError(`${op} has no WGSL kernel, and its inputs (${inputs.map((x) => fmtShape(x.shape)).join(', ')}) were computed on the GPU: run it on cpu (withBackend('cpu', ...)) on copies from await toCpu([...])`, op);
    },
  };
}

/** The @nn/linalg primitives, which decide pivots and errors from values (registered by name: this package does not depend on @nn/linalg). */
export const hostOnlyKernels: KernelDef<Attrs, WebGPUBackend>[] = ['linalg.cholesky', 'linalg.triangularSolve', 'linalg.solve'].map(hostOnlyKernel);
