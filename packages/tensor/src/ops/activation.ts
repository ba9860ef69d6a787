/**
 * The activation ops that fused ops name and backends accelerate: leaky
 * ReLU, ELU, GELU (and the erf it needs), softmax and log-softmax. Each is a
 * composite, its formula in primitives, so every backend runs it; @nn/activations
 * registers fused cpu kernels and gradient rules for them, and other
 * backends may register kernels of their own.
 * @module
 */
import { DTypeError, fmtShape } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { scalarOf } from './run.js';

/** Attributes of `leakyRelu`. */
export interface LeakyReluAttrs {
  [key: string]: unknown;
  /** The slope for x < 0. */
  slope: number;
}

/** Attributes of `elu`. */
export interface EluAttrs {
  [key: string]: unknown;
  alpha: number;
}

/** Attributes of `gelu`. */
export interface GeluAttrs {
  [key: string]: unknown;
  /** 1 for the tanh approximation, 0 for the exact form. */
  approximate: number;
}

/** Attributes of `softmax` and `logSoftmax`. */
export interface SoftmaxAttrs {
  [key: string]: unknown;
  axis: number;
}

function floatInfer(name: string): OpDef['infer'] {
  return ([x]) => {
    if (x!.dtype !== 'float32' && x!.dtype !== 'float64') throw new DTypeError(`argument 'x' (shape ${fmtShape(x!.shape)}) has dtype ${x!.dtype}, expected float32 or float64`, name);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  };
}

function axisInfer(name: string): OpDef<SoftmaxAttrs>['infer'] {
  const base = floatInfer(name);
  return (inputs, attrs) => {
    normalizeAxis(attrs.axis, inputs[0]!.shape, name);
    return base(inputs, attrs);
  };
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): the composite form; kernels are exact. */
function erfComposite(x: Tensor): Tensor {
  const t = scalarOf(1, x.dtype).div(x.abs().mul(0.3275911).add(1));
  const poly = t.mul(1.061405429).add(-1.453152027).mul(t).add(1.421413741).mul(t).add(-0.284496736).mul(t).add(0.254829592).mul(t);
  return x.sign().mul(poly.mul(x.square().neg().exp()).neg().add(1));
}

const erfOp = defineOp({ name: 'erf', inputs: ['x'], infer: floatInfer('erf'), composite: ([x]) => [erfComposite(x!)] });

/** The activation composites. */
export const activationOps = {
  leakyRelu: defineOp<LeakyReluAttrs>({
    name: 'leakyRelu',
    inputs: ['x'],
    infer: floatInfer('leakyRelu'),
    composite: ([x], { slope }) => [where(x!.gt(0), x!, x!.mul(slope))],
  }),
  elu: defineOp<EluAttrs>({
    name: 'elu',
    inputs: ['x'],
    infer: floatInfer('elu'),
    // e^x only where x <= 0, so no overflow reaches the result
    composite: ([x], { alpha }) => [where(x!.gt(0), x!, x!.minimum(0).exp().sub(1).mul(alpha))],
  }),
  erf: erfOp,
  gelu: defineOp<GeluAttrs>({
    name: 'gelu',
    inputs: ['x'],
    infer: floatInfer('gelu'),
    composite: ([x], { approximate }) => {
      const inner = approximate ? x!.add(x!.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI).tanh() : erfOp.run1([x!.mul(Math.SQRT1_2)]);
      return [x!.mul(0.5).mul(inner.add(1))];
    },
  }),
  softmax: defineOp<SoftmaxAttrs>({
    name: 'softmax',
    inputs: ['x'],
    infer: axisInfer('softmax'),
    composite: ([x], { axis }) => {
      const e = x!.sub(x!.max(axis, true)).exp();
      return [e.div(e.sum(axis, true))];
    },
  }),
  logSoftmax: defineOp<SoftmaxAttrs>({
    name: 'logSoftmax',
    inputs: ['x'],
    infer: axisInfer('logSoftmax'),
    composite: ([x], { axis }) => [x!.sub(x!.logsumexp(axis, true))],
  }),
};

/** Descriptors of the activation ops. */
export const activationOpDefs: OpDef[] = Object.values(activationOps);
