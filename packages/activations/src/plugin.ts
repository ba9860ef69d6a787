/**
 * The activation plugin: the hot activations as primitive ops with fused
 * cpu kernels (leaky ReLU, ELU, GELU, softmax, log-softmax, and erf for
 * GELU's gradient), each with its gradient written in ops. ReLU, sigmoid
 * and tanh are primitives of @nn/tensor already. The front-end functions
 * register the plugin on first use.
 * @module
 */
import {
  allocArray,
  DTypeError,
  fmtShape,
  getRegistry,
  getEngine,
  type GradientDef,
  isFloat,
  type KernelDef,
  normalizeAxis,
  type OpDef,
  type Plugin,
  REGISTRY_API_VERSION,
  type Tensor,
  type TensorMeta,
  type TypedArray,
  where,
} from '@nn/tensor';
import { erf, erfFast } from './erf.js';

type A = TypedArray;

function floatUnaryDef(name: string): OpDef {
  return {
    name,
    inputs: ['x'],
    infer([x]: readonly TensorMeta[]) {
      if (!isFloat(x!.dtype)) throw new DTypeError(`argument 'x' (shape ${fmtShape(x!.shape)}) has dtype ${x!.dtype}, expected float32 or float64`, name);
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
  };
}

function axisDef(name: string): OpDef<{ axis: number }> {
  const base = floatUnaryDef(name);
  return {
    ...base,
    infer(inputs, attrs) {
      normalizeAxis(attrs.axis, inputs[0]!.shape, name);
      return base.infer(inputs, attrs);
    },
  };
}

const run1 = (op: string, inputs: Tensor[], attrs = {}) => getEngine().run(op, inputs, attrs)[0]!;

/** cpu loops of the elementwise activations (one loop each, no per-element callbacks). */
function elementwiseKernel(op: string, loop: (x: A, o: A, n: number, attrs: Record<string, number>) => void): KernelDef {
  return {
    op,
    backend: 'cpu',
    run([x], attrs, { outputs }) {
      const o = allocArray(outputs[0]!.dtype, (x!.data as A).length);
      loop(x!.data as A, o, o.length, attrs as Record<string, number>);
      return [o];
    },
  };
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2 = Math.SQRT1_2;

/** Softmax or log-softmax along `axis`, each row shifted by its max. */
function softmaxKernel(op: 'softmax' | 'logSoftmax'): KernelDef<{ axis: number }> {
  return {
    op,
    backend: 'cpu',
    run([x], { axis }, { outputs }) {
      const v = x!.data as A;
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
    },
  };
}

const ops: OpDef[] = [
  { ...floatUnaryDef('leakyRelu') },
  { ...floatUnaryDef('elu') },
  { ...floatUnaryDef('gelu') },
  floatUnaryDef('erf'),
  axisDef('softmax'),
  axisDef('logSoftmax'),
];

const kernels: KernelDef[] = [
  elementwiseKernel('leakyRelu', (x, o, n, { slope }) => {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      o[i] = v > 0 ? v : v * slope!;
    }
  }),
  elementwiseKernel('elu', (x, o, n, { alpha }) => {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      o[i] = v > 0 ? v : alpha! * Math.expm1(v);
    }
  }),
  elementwiseKernel('gelu', (x, o, n, { approximate }) => {
    if (approximate) {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        o[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
      }
    } else if (x instanceof Float64Array) {
      for (let i = 0; i < n; i++) o[i] = 0.5 * x[i]! * (1 + erf(x[i]! * INV_SQRT_2));
    } else for (let i = 0; i < n; i++) o[i] = 0.5 * x[i]! * (1 + erfFast(x[i]! * INV_SQRT_2));
  }),
  elementwiseKernel('erf', (x, o, n) => {
    // float32 needs only ~1e-7: the fast form; float64 (gradient checks) gets the exact one.
    if (x instanceof Float64Array) for (let i = 0; i < n; i++) o[i] = erf(x[i]!);
    else for (let i = 0; i < n; i++) o[i] = erfFast(x[i]!);
  }),
  softmaxKernel('softmax'),
  softmaxKernel('logSoftmax'),
];

/** Gradients, written in ops so they run anywhere and differentiate again. */
const gradients: GradientDef[] = [
  {
    op: 'leakyRelu',
    vjp: ([dy], { inputs: [x], attrs: { slope } }) => [dy!.mul(x!.gt(0).cast(x!.dtype).mul(1 - (slope as number)).add(slope as number))],
  },
  {
    // d/dx α(e^x − 1) = y + α for x ≤ 0.
    op: 'elu',
    vjp: ([dy], { inputs: [x], outputs: [y], attrs: { alpha } }) => [dy!.mul(where(x!.gt(0), 1, y!.add(alpha as number)))],
  },
  {
    op: 'erf',
    vjp: ([dy], { inputs: [x] }) => [dy!.mul(x!.square().neg().exp().mul(2 / Math.sqrt(Math.PI)))],
  },
  {
    op: 'gelu',
    vjp: ([dy], { inputs: [x], attrs: { approximate } }) => {
      if (approximate) {
        // y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)
        const u = x!.add(x!.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
        const t = u.tanh();
        const du = x!.square().mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI);
        return [dy!.mul(t.add(1).mul(0.5).add(x!.mul(0.5).mul(t.square().neg().add(1)).mul(du)))];
      }
      // y = xΦ(x): y' = Φ(x) + xφ(x)
      const cdf = run1('erf', [x!.mul(INV_SQRT_2)]).add(1).mul(0.5);
      const pdf = x!.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
      return [dy!.mul(cdf.add(x!.mul(pdf)))];
    },
  },
  {
    // dx = y (dy − Σ dy·y)
    op: 'softmax',
    vjp: ([dy], { outputs: [y], attrs: { axis } }) => [y!.mul(dy!.sub(dy!.mul(y!).sum(axis as number, true)))],
  },
  {
    // dx = dy − softmax · Σ dy
    op: 'logSoftmax',
    vjp: ([dy], { outputs: [y], attrs: { axis } }) => [dy!.sub(y!.exp().mul(dy!.sum(axis as number, true)))],
  },
];

/** The activation ops with their cpu kernels and gradients. */
export const activationsPlugin: Plugin = {
  name: '@nn/activations',
  apiVersion: REGISTRY_API_VERSION,
  ops,
  kernels,
  gradients,
};

/** Registers the plugin into the current registry (once); the front-ends call it. */
export function ensureActivations(): void {
  const registry = getRegistry();
  if (!registry.hasPlugin(activationsPlugin.name)) registry.use(activationsPlugin);
}

/** Runs one of this plugin's ops, registering the plugin first. */
export function runActivation(op: string, x: Tensor, attrs: Record<string, unknown> = {}): Tensor {
  ensureActivations();
  return run1(op, [x], attrs);
}
