/**
 * `convTranspose2d` as a composite op: the transposed convolution is the
 * input-gradient of a convolution, so it runs on `conv2dBackpropInput` and
 * needs no kernel or gradient of its own.
 * @module
 */
import { type ConvTransposeAttrs, DTypeError, fmtShape, getEngine, isFloat, type OpDef, ShapeError } from '@nn/tensor';
import { checkRank4 } from './geometry.js';

export type { ConvTransposeAttrs };

/** The output shape of a transposed convolution of x [N, Cin, H, W] with w [Cin, Cout/groups, KH, KW]. */
export function convTransposeShape(x: readonly number[], w: readonly number[], a: ConvTransposeAttrs): number[] {
  checkRank4('convTranspose2d', 'input', x);
  checkRank4('convTranspose2d', 'weight', w);
  if (w[0] !== x[1]) {
    throw new ShapeError(`channel mismatch: input ${fmtShape(x)} has ${x[1]} channels but weight ${fmtShape(w)} expects ${w[0]} (weight is [in, out/groups, kH, kW])`, 'convTranspose2d');
  }
  if (x[1]! % a.groups !== 0) throw new ShapeError(`input channels (${x[1]}) must be divisible by groups (${a.groups})`, 'convTranspose2d');
  const size = (i: 0 | 1) => {
    const [s, d, op, p] = [a.stride[i], a.dilation[i], a.outputPadding[i], a.padding[i * 2]!];
    if (op >= s && op >= d) throw new ShapeError(`outputPadding (${op}) must be smaller than stride (${s}) or dilation (${d})`, 'convTranspose2d');
    return (x[2 + i]! - 1) * s - 2 * p + d * (w[2 + i]! - 1) + op + 1;
  };
  const out = [x[0]!, w[1]! * a.groups, size(0), size(1)];
  if (out[2]! < 1 || out[3]! < 1) throw new ShapeError(`output would be ${out[2]}x${out[3]}: padding too large for input ${fmtShape(x)}`, 'convTranspose2d');
  return out;
}

/** The transposed convolution (deconvolution), PyTorch's `conv_transpose2d`. */
export const convTransposeDef: OpDef<ConvTransposeAttrs> = {
  name: 'convTranspose2d',
  inputs: ['x', 'weight'],
  infer([x, w], attrs) {
    if (!isFloat(x!.dtype) || x!.dtype !== w!.dtype) throw new DTypeError(`input and weight must share a float dtype, got ${x!.dtype} and ${w!.dtype}`, 'convTranspose2d');
    return [{ shape: convTransposeShape(x!.shape, w!.shape, attrs), dtype: x!.dtype }];
  },
  composite([x, w], attrs) {
    const { outputPadding: _, ...conv } = attrs;
    return getEngine().run('conv2dBackpropInput', [x!, w!], { ...conv, inputShape: convTransposeShape(x!.shape, w!.shape, attrs) });
  },
};
