/**
 * Elementwise kernels (and the pointwise activations): float32 runs in SIMD
 * wasm (big contiguous arrays split over threads); broadcasting walks a row
 * plan, one wasm call per row. Other dtypes run the cpu kernel over wasm memory.
 * @module
 */
import { activationOps, type Attrs, type BinaryOp, elementwiseComposites, elementwiseOps, type FusedActivation, type KernelDef, type OpHandle, sizeOf, type TensorInfo, type UnaryCompositeOp, type UnaryOp } from '@nn/tensor';
import { forEachRow, rowPlan } from '@nn/tensor/kernel';
import { splitRange, type WasmData } from '../backend.js';
import { FLOAT32, wasmKernel } from './wasm-kernel.js';

/** Elements below which splitting over threads costs more than it saves. */
const PARALLEL_ELEMENTS = 1 << 16;

// Op numbers of assembly/elementwise.ts.
const UNARY: Partial<Record<UnaryOp | UnaryCompositeOp, number>> = {
  neg: 0, abs: 1, sqrt: 2, rsqrt: 3, relu: 4, floor: 5, ceil: 6, round: 7, exp: 8, sigmoid: 9, tanh: 10, log: 15, sin: 16, cos: 17, sign: 18,
};
/** Activations with a SIMD kernel: op code from the attributes, and the parameter. */
const ACTIVATIONS: Record<string, (attrs: Record<string, unknown>) => [number, number]> = {
  leakyRelu: (a) => [11, a.slope as number],
  elu: (a) => [12, a.alpha as number],
  gelu: (a) => [a.approximate ? 13 : 14, 0],
};
const ARITHMETIC: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6 };
/** The binary code of reluBackward (dy where x > 0). */
const RELU_GRAD = 7;
const COMPARE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

const ptrOf = (t: TensorInfo<WasmData>) => t.data.ptr;

/** The unary ops with a SIMD kernel, by name. */
const UNARY_HANDLES = { ...elementwiseOps, ...elementwiseComposites, ...activationOps };

/** A fused op's activation as [unary op code, parameter]; code -1 for none. */
export function activationCode(activation: FusedActivation | null): [number, number] {
  if (activation === null) return [-1, 0];
  const code = UNARY[activation.op as UnaryOp | UnaryCompositeOp];
  if (code !== undefined) return [code, 0];
  return ACTIVATIONS[activation.op]!(activation.attrs ?? {});
}

function unaryKernel(op: keyof typeof UNARY_HANDLES, codeOf: (attrs: Record<string, unknown>) => [number, number]): KernelDef {
  return wasmKernel<Attrs>(UNARY_HANDLES[op], (inputs, attrs, ctx) => {
    const [code, param] = codeOf(attrs);
    const [x] = inputs;
    const be = ctx.backend;
    const n = sizeOf(x!.shape);
    const o = be.alloc('float32', n);
    if (n > 0) {
      const xp = ptrOf(x!);
      be.parallel('unary', n >= PARALLEL_ELEMENTS ? be.threads : 1, (t, parts) => {
        const [lo, hi] = splitRange(n, parts, t, 4);
        return [code, xp + lo * 4, o.ptr + lo * 4, hi - lo, param];
      });
    }
    return [o];
  }, { dtypes: FLOAT32 });
}

function binaryKernel(op: OpHandle, code: number, compare: boolean): KernelDef {
  return wasmKernel(op, (inputs, _attrs, ctx) => {
    const [a, b] = inputs;
    const be = ctx.backend;
    const out = ctx.outputs[0]!;
    const n = sizeOf(out.shape);
    const o = be.alloc(out.dtype, n);
    if (n === 0) return [o];
    const ap = ptrOf(a!), bp = ptrOf(b!);
    const oSize = compare ? 1 : 4;
    if (!compare && sizeOf(a!.shape) === n && sizeOf(b!.shape) === n) {
      be.parallel('binary', n >= PARALLEL_ELEMENTS ? be.threads : 1, (t, parts) => {
        const [lo, hi] = splitRange(n, parts, t, 4);
        return [code, ap + lo * 4, 1, bp + lo * 4, 1, o.ptr + lo * 4, hi - lo];
      });
      return [o];
    }
    const plan = rowPlan(out.shape, [a!.shape, b!.shape]);
    const [as, bs] = plan.innerStrides as [number, number];
    const fn = compare ? be.k.compare : be.k.binary;
    forEachRow(plan, (off, oi) => fn(code, ap + off[0]! * 4, as, bp + off[1]! * 4, bs, o.ptr + oi * oSize, plan.inner));
    return [o];
  }, { dtypes: FLOAT32 });
}

/** Native elementwise kernels of the wasm backend. */
export const elementwiseKernels: KernelDef[] = [
  ...Object.entries(UNARY).map(([op, code]) => unaryKernel(op as keyof typeof UNARY_HANDLES, () => [code, 0])),
  ...Object.entries(ACTIVATIONS).map(([op, codeOf]) => unaryKernel(op as keyof typeof UNARY_HANDLES, codeOf)),
  ...Object.entries(ARITHMETIC).map(([op, code]) => binaryKernel(elementwiseOps[op as BinaryOp], code, false)),
  ...Object.entries(COMPARE).map(([op, code]) => binaryKernel(elementwiseOps[op as BinaryOp], code, true)),
  binaryKernel(elementwiseComposites.reluBackward, RELU_GRAD, false),
];
