/**
 * cpu kernels for elementwise ops. Each op has its own loop (no per-element
 * callbacks); broadcasting walks rows of a coalesced plan, so the per-row
 * bookkeeping is paid once per inner loop.
 * @module
 */
import { allocArray, convertArray, type DType, type TypedArray } from '../dtype.js';
import { type BinaryOp, elementwiseComposites, elementwiseOps, type UnaryCompositeOp, type UnaryOp, unaryHandle } from '../ops/elementwise.js';
import { layoutOps } from '../ops/layout.js';
import type { KernelDef } from '../registry.js';
import { cpuKernel } from './backend.js';
import { forEachRow, rowPlan, sizeOf } from '../shape.js';

type A = TypedArray;
type UnaryLoop = (x: A, o: A, n: number) => void;
/** One row of a binary op: o[oi + k] = f(a[ai + k*as], b[bi + k*bs]). */
type BinaryRow = (o: A, oi: number, a: A, ai: number, as: number, b: A, bi: number, bs: number, n: number) => void;

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const unaryLoops: Record<UnaryOp | UnaryCompositeOp, UnaryLoop> = {
  neg: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = -x[i]!; },
  abs: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]!); },
  sign: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.sign(x[i]!); },
  exp: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!); },
  log: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.log(x[i]!); },
  sqrt: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!); },
  rsqrt: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]!); },
  sin: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.sin(x[i]!); },
  cos: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.cos(x[i]!); },
  tanh: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]!); },
  sigmoid: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = 1 / (1 + Math.exp(-x[i]!)); },
  relu: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.max(x[i]!, 0); },
  floor: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.floor(x[i]!); },
  ceil: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.ceil(x[i]!); },
  round: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = roundHalfEven(x[i]!); },
  logicalNot: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = x[i] ? 0 : 1; },
};

const binaryRows: Record<BinaryOp, BinaryRow> = {
  add: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! + b[bi]!; },
  sub: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! - b[bi]!; },
  mul: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! * b[bi]!; },
  div: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! / b[bi]!; },
  pow: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = Math.pow(a[ai]!, b[bi]!); },
  maximum: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai]!, y = b[bi]!; o[oi + k] = x > y || x !== x ? x : y; }
  },
  minimum: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai]!, y = b[bi]!; o[oi + k] = x < y || x !== x ? x : y; }
  },
  eq: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] === b[bi] ? 1 : 0; },
  ne: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] !== b[bi] ? 1 : 0; },
  lt: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! < b[bi]! ? 1 : 0; },
  le: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! <= b[bi]! ? 1 : 0; },
  gt: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! > b[bi]! ? 1 : 0; },
  ge: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! >= b[bi]! ? 1 : 0; },
  logicalAnd: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] && b[bi] ? 1 : 0; },
  logicalOr: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] || b[bi] ? 1 : 0; },
};

function outArray(dtype: DType, shape: readonly number[]): TypedArray {
  return allocArray(dtype, sizeOf(shape));
}

function unaryKernel(op: UnaryOp | UnaryCompositeOp): KernelDef {
  const loop = unaryLoops[op];
  return cpuKernel(unaryHandle(op), ([x], _attrs, { outputs }) => {
    const o = outArray(outputs[0]!.dtype, outputs[0]!.shape);
    loop(x!.data, o, o.length);
    return [o];
  });
}

function binaryKernel(op: BinaryOp): KernelDef {
  const row = binaryRows[op];
  return cpuKernel(elementwiseOps[op], ([a, b], _attrs, { outputs }) => {
    const out = outputs[0]!;
    const o = outArray(out.dtype, out.shape);
    const av = a!.data, bv = b!.data;
    if (av.length === o.length && bv.length === o.length) {
      row(o, 0, av, 0, 1, bv, 0, 1, o.length);
      return [o];
    }
    const plan = rowPlan(out.shape, [a!.shape, b!.shape]);
    const [as, bs] = plan.innerStrides as [number, number];
    forEachRow(plan, (off, oi) => row(o, oi, av, off[0]!, as, bv, off[1]!, bs, plan.inner));
    return [o];
  });
}

const whereKernel = (): KernelDef => cpuKernel(elementwiseOps.where, ([c, a, b], _attrs, { outputs }) => {
    const out = outputs[0]!;
    const o = outArray(out.dtype, out.shape);
    const cv = c!.data, av = a!.data, bv = b!.data;
    const plan = rowPlan(out.shape, [c!.shape, a!.shape, b!.shape]);
    const [cs, as, bs] = plan.innerStrides as [number, number, number];
    forEachRow(plan, (off, oi) => {
      let ci = off[0]!, ai = off[1]!, bi = off[2]!;
      for (let k = 0; k < plan.inner; k++, ci += cs, ai += as, bi += bs) o[oi + k] = cv[ci] ? av[ai]! : bv[bi]!;
    });
    return [o];
});

const reluBackwardKernel = (): KernelDef => cpuKernel(elementwiseComposites.reluBackward, ([dy, x], _attrs, { outputs }) => {
  const o = outArray(outputs[0]!.dtype, outputs[0]!.shape);
  const g = dy!.data, xv = x!.data;
  for (let i = 0; i < o.length; i++) o[i] = xv[i]! > 0 ? g[i]! : 0;
  return [o];
});

const castKernel = (): KernelDef => cpuKernel(layoutOps.cast, ([x], { dtype }) => [convertArray(x!.data, dtype)]);

const cloneKernel = (): KernelDef => cpuKernel(layoutOps.clone, ([x]) => [x!.data.slice()]);

/** cpu kernels of the elementwise ops, cast and clone. */
export function elementwiseKernels(): KernelDef[] {
  return [
    ...(Object.keys(unaryLoops) as (UnaryOp | UnaryCompositeOp)[]).map(unaryKernel),
    ...(Object.keys(binaryRows) as BinaryOp[]).map(binaryKernel),
    whereKernel(),
    reluBackwardKernel(),
    castKernel(),
    cloneKernel(),
  ];
}
