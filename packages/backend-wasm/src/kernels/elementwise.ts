/**
 * Elementwise kernels (and the pointwise activations of @nn/activations,
 * registered by name): float32 runs in SIMD wasm (big contiguous arrays
 * split over threads); broadcasting walks a row plan, one wasm call per row.
 * Other dtypes run on the host.
 * @module
 */
import { type BinaryOp, forEachRow, type FusedActivation, type KernelDef, rowPlan, sizeOf, type TensorInfo, type UnaryOp } from '@nn/tensor';
import { splitRange, type WasmBackend, type WasmData } from '../backend.js';
import { runOnHost } from './host.js';

/** Elements below which splitting over threads costs more than it saves. */
const PARALLEL_ELEMENTS = 1 << 16;

// Op numbers of assembly/elementwise.ts.
const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, sqrt: 2, rsqrt: 3, relu: 4, floor: 5, ceil: 6, round: 7, exp: 8, sigmoid: 9, tanh: 10, log: 15, sin: 16, cos: 17, sign: 18,
};
/** Activations of @nn/activations with a SIMD kernel: op code from the attributes, and the parameter. */
const ACTIVATIONS: Record<string, (attrs: Record<string, unknown>) => [number, number]> = {
  leakyRelu: (a) => [11, a.slope as number],
  elu: (a) => [12, a.alpha as number],
  gelu: (a) => [a.approximate ? 13 : 14, 0],
};
const ARITHMETIC: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6 };
const COMPARE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

const ptrOf = (t: TensorInfo) => (t.data as WasmData).ptr;

/** A fused op's activation as [unary op code, parameter]; code -1 for none. */
export function activationCode(activation: FusedActivation | null): [number, number] {
  if (activation === null) return [-1, 0];
  const code = UNARY[activation.op as UnaryOp];
  if (code !== undefined) return [code, 0];
  return ACTIVATIONS[activation.op]!(activation.attrs ?? {});
}

function unaryKernel(op: string, codeOf: (attrs: Record<string, unknown>) => [number, number]): KernelDef {
  return {
    op,
    backend: 'wasm',
    run(inputs, attrs, ctx) {
      const [code, param] = codeOf(attrs);
      const [x] = inputs;
      if (x!.dtype !== 'float32') return runOnHost(op, inputs, attrs, ctx);
      const be = ctx.backend as WasmBackend;
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
    },
  };
}

function binaryKernel(op: BinaryOp, code: number, compare: boolean): KernelDef {
  return {
    op,
    backend: 'wasm',
    run(inputs, attrs, ctx) {
      const [a, b] = inputs;
      if (a!.dtype !== 'float32' || b!.dtype !== 'float32') return runOnHost(op, inputs, attrs, ctx);
      const be = ctx.backend as WasmBackend;
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
    },
  };
}

/** Native elementwise kernels of the wasm backend. */
export const elementwiseKernels: KernelDef[] = [
  ...Object.entries(UNARY).map(([op, code]) => unaryKernel(op, () => [code, 0])),
  ...Object.entries(ACTIVATIONS).map(([op, codeOf]) => unaryKernel(op, codeOf)),
  ...Object.entries(ARITHMETIC).map(([op, code]) => binaryKernel(op as BinaryOp, code, false)),
  ...Object.entries(COMPARE).map(([op, code]) => binaryKernel(op as BinaryOp, code, true)),
];
