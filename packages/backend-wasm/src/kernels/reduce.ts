/**
 * Reductions of float32 in SIMD wasm: contiguous axis sets are read in
 * place as [outer, reduced, inner]; others are first moved to the end by a
 * strided copy. Other dtypes run on the host.
 * @module
 */
import { type KernelDef, type ReduceAttrs, type ReduceOp, reduceOps, sizeOf, stridesOf } from '@nn/tensor';
import { reductionLayout } from '@nn/tensor/kernel';
import { FLOAT32, wasmKernel } from './wasm-kernel.js';
import { stridedCopy } from './layout.js';

// Op numbers of assembly/reduce.ts.
const CODES: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2, prod: 3 };

function reduceKernel(op: ReduceOp): KernelDef<ReduceAttrs> {
  return wasmKernel(reduceOps[op], (inputs, attrs, ctx) => {
    const [x] = inputs;
    const be = ctx.backend;
    const shape = x!.shape;
    const o = be.alloc('float32', sizeOf(ctx.outputs[0]!.shape));
    const { outer, reduced, inner, perm } = reductionLayout(shape, attrs.axes);
    let src = x!.data.ptr, temp = 0;
    if (perm !== undefined) {
      const strides = stridesOf(shape);
      const permuted = perm.map((p) => shape[p]!);
      temp = be.temp(sizeOf(shape) * 4);
      stridedCopy(be, 'float32', permuted, src, 0, perm.map((p) => strides[p]!), temp, 0, stridesOf(permuted));
      src = temp;
    }
    if (o.bytes > 0) be.k.reduce(CODES[op], src, o.ptr, outer, reduced, inner);
    if (temp !== 0) be.freeTemp(temp, sizeOf(shape) * 4);
    return [o];
  }, { dtypes: FLOAT32 });
}

/** Reduction kernels of the wasm backend. */
export const reduceKernels: KernelDef[] = (Object.keys(CODES) as ReduceOp[]).map(reduceKernel);
