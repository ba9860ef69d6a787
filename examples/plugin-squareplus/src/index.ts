/**
 * Squareplus (Barron 2021, "Squareplus: A Softplus-Like Algebraic
 * Rectifier"): f(x) = (x + √(x² + b)) / 2, a smooth ReLU made of a square
 * root instead of exp and log. Published as an nn plugin: a typed op handle
 * (with its composite, so every backend runs it), a fused cpu kernel and a
 * gradient, bundled in one plain object.
 * @module
 */
import { allocArray, defineOp, DTypeError, getRegistry, isFloat, type Plugin, ValueError, type Tensor } from '@nn/tensor';
import { cpuKernel, gradient } from '@nn/tensor/kernel';

/** The op's registry name, namespaced as third-party ops must be. */
export const SQUAREPLUS = 'acme.squareplus';

/** The op's attributes, declared once: the kernel and the gradient get them typed. */
export interface SquareplusAttrs {
  [key: string]: unknown;
  b: number;
}

/** The op handle: `squareplusOp.run1([x], { b })` runs it. */
export const squareplusOp = defineOp<SquareplusAttrs>({
  name: SQUAREPLUS,
  inputs: ['x'],
  // Shape and dtype inference doubles as input validation.
  infer([x], { b }) {
    if (!isFloat(x!.dtype)) throw new DTypeError(`argument 'x' has dtype ${x!.dtype}, expected float32 or float64`, SQUAREPLUS);
    if (!(typeof b === 'number' && b >= 0)) throw new ValueError(`b must be a non-negative number, got ${String(b)}`, SQUAREPLUS);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  // The formula in core ops: what a backend without a kernel for it runs.
  composite: ([x], { b }) => [x!.add(x!.square().add(b).sqrt()).mul(0.5)],
});

/** The plugin: `use(squareplusPlugin)` registers it (again is harmless). */
export const squareplusPlugin: Plugin = {
  name: 'nn-plugin-squareplus',
  // The registry API version this plugin was written against; a mismatch is a clear error at `use`.
  apiVersion: 1,
  ops: [squareplusOp],
  kernels: [
    // One pass over the typed array instead of five ops: x.data is a typed array, b a number.
    cpuKernel(squareplusOp, ([x], { b }, { outputs }) => {
      const v = x!.data;
      const out = allocArray(outputs[0]!.dtype, v.length);
      for (let i = 0; i < v.length; i++) out[i] = 0.5 * (v[i]! + Math.sqrt(v[i]! * v[i]! + b));
      return [out];
    }),
  ],
  gradients: [
    // f'(x) = ½(1 + x/√(x² + b)), written in ops so every backend runs it and it differentiates again.
    gradient(squareplusOp, ([dy], { inputs: [x], attrs: { b } }) => [dy!.mul(x!.div(x!.square().add(b).sqrt()).add(1).mul(0.5))]),
  ],
};

/** Squareplus of `x` (b = 4 by default, the paper's choice); registers the plugin on first use. */
export function squareplus(x: Tensor, b = 4): Tensor {
  getRegistry().use(squareplusPlugin);
  return squareplusOp.run1([x], { b });
}
