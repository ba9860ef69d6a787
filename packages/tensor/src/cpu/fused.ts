/**
 * cpu kernels of the fused ops, and the bias-and-activation epilogue that
 * other packages' fused kernels (fusedConv2d) share.
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { BackendError } from '../errors.js';
import { type FusedActivation, fusedOps } from '../ops/fused.js';
import type { KernelContext, KernelDef } from '../registry.js';
import { sizeOf } from '../shape.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { cpuKernel } from './backend.js';
import { gemm } from './matmul.js';

/**
 * y[o, c, i] += bias[c] over y viewed as [outer, C, inner], in place; then
 * the activation's own kernel on `ctx`'s backend (so its arithmetic is the
 * activation op's). Returns the result (a new array when there is an activation).
 */
export function biasActivation(y: TypedArray, bias: TypedArray, C: number, inner: number, activation: FusedActivation | null, out: TensorMeta, ctx: KernelContext): TypedArray {
  for (let at = 0, n = y.length; at < n; ) {
    for (let c = 0; c < C; c++) {
      const b = bias[c]!;
      for (const end = at + inner; at < end; at++) y[at] = y[at]! + b;
    }
  }
  if (activation === null) return y;
  const kernel = ctx.registry.kernel(activation.op, ctx.backend.name);
  if (kernel === undefined) throw new BackendError(`no ${ctx.backend.name} kernel for the fused activation '${activation.op}'`, activation.op);
  return kernel.run([{ ...out, data: y }], { ...activation.attrs }, { ...ctx, outputs: [out] })[0] as TypedArray;
}

const fusedLinearKernel = (): KernelDef => cpuKernel(fusedOps.fusedLinear, ([x, w, b], { activation }, ctx) => {
    const out = ctx.outputs[0]!;
    const [N, K] = w!.shape as [number, number];
    const size = sizeOf(out.shape);
    const y = allocArray(out.dtype, size);
    if (size === 0) return [y];
    gemm(x!.data, 0, false, w!.data, 0, true, y, 0, size / N, N, K);
    return [biasActivation(y, b!.data, N, 1, activation, out, ctx)];
});

/** cpu kernels of the fused ops of this package. */
export function fusedKernels(): KernelDef[] {
  return [fusedLinearKernel()];
}
