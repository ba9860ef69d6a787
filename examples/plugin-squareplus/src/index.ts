/**
 * Squareplus (Barron 2021, "Squareplus: A Softplus-Like Algebraic
 * Rectifier"): f(x) = (x + √(x² + b)) / 2, a smooth ReLU made of a square
 * root instead of exp and log. Published as an nn plugin: an op descriptor,
 * a cpu kernel and a gradient, bundled in one plain object.
 * @module
 */
import { allocArray, DTypeError, getEngine, getRegistry, isFloat, type Plugin, ValueError, type Tensor, type TypedArray } from '@nn/tensor';

/** The op's registry name, namespaced as third-party ops must be. */
export const SQUAREPLUS = 'acme.squareplus';

/** The plugin: `use(squareplusPlugin)` registers it (again is harmless). */
export const squareplusPlugin: Plugin = {
  name: 'nn-plugin-squareplus',
  // The registry API version this plugin was written against; a mismatch is a clear error at `use`.
  apiVersion: 1,
  ops: [
    {
      name: SQUAREPLUS,
      inputs: ['x'],
      // Shape and dtype inference doubles as input validation.
      infer([x], { b }) {
        if (!isFloat(x!.dtype)) throw new DTypeError(`argument 'x' has dtype ${x!.dtype}, expected float32 or float64`, SQUAREPLUS);
        if (!(typeof b === 'number' && b >= 0)) throw new ValueError(`b must be a non-negative number, got ${String(b)}`, SQUAREPLUS);
        return [{ shape: x!.shape, dtype: x!.dtype }];
      },
    },
  ],
  kernels: [
    {
      op: SQUAREPLUS,
      backend: 'cpu',
      // A plain loop over the typed array: no per-element callbacks.
      run([x], { b }, { outputs }) {
        const v = x!.data as TypedArray;
        const out = allocArray(outputs[0]!.dtype, v.length);
        const bb = b as number;
        for (let i = 0; i < v.length; i++) out[i] = 0.5 * (v[i]! + Math.sqrt(v[i]! * v[i]! + bb));
        return [out];
      },
    },
  ],
  gradients: [
    {
      op: SQUAREPLUS,
      // f'(x) = ½(1 + x/√(x² + b)), written in ops so every backend runs it and it differentiates again.
      vjp: ([dy], { inputs: [x], attrs: { b } }) => [dy!.mul(x!.div(x!.square().add(b as number).sqrt()).add(1).mul(0.5))],
    },
  ],
};

/** Squareplus of `x` (b = 4 by default, the paper's choice); registers the plugin on first use. */
export function squareplus(x: Tensor, b = 4): Tensor {
  getRegistry().use(squareplusPlugin);
  return getEngine().run(SQUAREPLUS, [x], { b })[0]!;
}
