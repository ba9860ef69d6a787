/**
 * The activation plugin: fused cpu kernels and gradient rules for the
 * activation ops @nn/tensor declares as composites (leaky ReLU, ELU, GELU,
 * softmax, log-softmax, and erf for GELU). The front-end functions
 * register the plugin on first use.
 * @module
 */
import { activationOps, allocArray, type Attrs, getRegistry, type KernelDef, type OpDef, type Plugin, REGISTRY_API_VERSION, type SoftmaxAttrs, type TypedArray, where } from '@nn/tensor';
import { cpuKernel, type GradientTable, gradientsOf } from '@nn/tensor/kernel';
import { erf, erfFast } from './erf.js';

type A = TypedArray;


/** cpu loops of the elementwise activations (one loop each, no per-element callbacks). */
function elementwiseKernel<T extends Attrs>(op: OpDef<T>, loop: (x: A, o: A, n: number, attrs: T) => void): KernelDef<T> {
  return cpuKernel(op, ([x], attrs, { outputs }) => {
    const o = allocArray(outputs[0]!.dtype, x!.data.length);
    loop(x!.data, o, o.length, attrs);
    return [o];
  });
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2 = Math.SQRT1_2;

/** Softmax or log-softmax along `axis`, each row shifted by its max. */
function softmaxKernel(op: 'softmax' | 'logSoftmax'): KernelDef<SoftmaxAttrs> {
  return cpuKernel(activationOps[op], ([x], { axis }, { outputs }) => {
    const v = x!.data;
    const o = allocArray(outputs[0]!.dtype, v.length);
    const shape = x!.shape;
    const ax = axis < 0 ? axis + shape.length : axis;
    const n = shape[ax]!;
    const inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, ax).reduce((a, b) => a * b, 1);
    for (let i = 0; i < outer; i++) {
      for (let j = 0; j < inner; j++) {
        const base = i * n * inner + j;
        let m = -Infinity;
        for (let k = 0; k < n; k++) m = Math.max(m, v[base + k * inner]!);
        let sum = 0;
        for (let k = 0; k < n; k++) sum += Math.exp(v[base + k * inner]! - m);
        if (op === 'softmax') for (let k = 0; k < n; k++) o[base + k * inner] = Math.exp(v[base + k * inner]! - m) / sum;
        else {
          const lse = m + Math.log(sum);
          for (let k = 0; k < n; k++) o[base + k * inner] = v[base + k * inner]! - lse;
        }
      }
    }
    return [o];
  });
}

const { leakyRelu, elu, gelu, erf: erfOp, softmax, logSoftmax } = activationOps;

const kernels: KernelDef[] = [
  elementwiseKernel(leakyRelu, (x, o, n, { slope }) => {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      o[i] = v > 0 ? v : v * slope;
    }
  }),
  elementwiseKernel(elu, (x, o, n, { alpha }) => {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      o[i] = v > 0 ? v : alpha * Math.expm1(v);
    }
  }),
  elementwiseKernel(gelu, (x, o, n, { approximate }) => {
    if (approximate) {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        o[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
      }
    } else if (x instanceof Float64Array) {
      for (let i = 0; i < n; i++) o[i] = 0.5 * x[i]! * (1 + erf(x[i]! * INV_SQRT_2));
    } else for (let i = 0; i < n; i++) o[i] = 0.5 * x[i]! * (1 + erfFast(x[i]! * INV_SQRT_2));
  }),
  elementwiseKernel(erfOp, (x, o, n) => {
    // float32 needs only ~1e-7: the fast form; float64 (gradient checks) gets the exact one.
    if (x instanceof Float64Array) for (let i = 0; i < n; i++) o[i] = erf(x[i]!);
    else for (let i = 0; i < n; i++) o[i] = erfFast(x[i]!);
  }),
  softmaxKernel('softmax'),
  softmaxKernel('logSoftmax'),
];

/** Gradients, written in ops so they run anywhere and differentiate again. */
const rules: GradientTable<typeof activationOps> = {
  leakyRelu: ([dy], { inputs: [x], attrs: { slope } }) => [dy!.mul(x!.gt(0).cast(x!.dtype).mul(1 - slope).add(slope))],
  // d/dx α(e^x − 1) = y + α for x ≤ 0.
  elu: ([dy], { inputs: [x], outputs: [y], attrs: { alpha } }) => [dy!.mul(where(x!.gt(0), 1, y!.add(alpha)))],
  erf: ([dy], { inputs: [x] }) => [dy!.mul(x!.square().neg().exp().mul(2 / Math.sqrt(Math.PI)))],
  gelu: ([dy], { inputs: [x], attrs: { approximate } }) => {
    if (approximate) {
      // y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)
      const u = x!.add(x!.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
      const t = u.tanh();
      const du = x!.square().mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI);
      return [dy!.mul(t.add(1).mul(0.5).add(x!.mul(0.5).mul(t.square().neg().add(1)).mul(du)))];
    }
    // y = xΦ(x): y' = Φ(x) + xφ(x)
    const cdf = erfOp.run1([x!.mul(INV_SQRT_2)]).add(1).mul(0.5);
    const pdf = x!.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return [dy!.mul(cdf.add(x!.mul(pdf)))];
  },
  // dx = y (dy − Σ dy·y)
  softmax: ([dy], { outputs: [y], attrs: { axis } }) => [y!.mul(dy!.sub(dy!.mul(y!).sum(axis, true)))],
  // dx = dy − softmax · Σ dy
  logSoftmax: ([dy], { outputs: [y], attrs: { axis } }) => [dy!.sub(y!.exp().mul(dy!.sum(axis, true)))],
};

/** The activation ops with their cpu kernels and gradients. */
export const activationsPlugin: Plugin = {
  name: '@nn/activations',
  apiVersion: REGISTRY_API_VERSION,
  kernels,
  gradients: gradientsOf(rules),
};

/** Registers the plugin into the current registry (once); the front-ends call it. */
export function ensureActivations(): void {
  const registry = getRegistry();
  if (!registry.hasPlugin(activationsPlugin.name)) registry.use(activationsPlugin);
}


