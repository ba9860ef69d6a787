/**
 * The convolution ops: `conv2d` and its two backprop ops (ops of their own,
 * so that any backend can accelerate them, and each one's gradient is made
 * of the other two), and the composites `fusedConv2d` (convolution, bias
 * and activation in one op) and `convTranspose2d` (the input-gradient of a
 * convolution). Their cpu kernels and gradients are in @nn/layers-conv.
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { isFloat } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { applyActivation, checkFusedActivation } from './fused.js';
import type { ConvAttrs, ConvTransposeAttrs, FusedConv2dAttrs } from './window-attrs.js';
import { checkRank4, windowShape } from './window-shape.js';

/** Attributes of `conv2dBackpropInput`: the convolution's, and the shape of its input. */
export interface ConvBackpropInputAttrs extends ConvAttrs {
  inputShape: number[];
}

/** Attributes of `conv2dBackpropFilter`: the convolution's, and the shape of its filter. */
export interface ConvBackpropFilterAttrs extends ConvAttrs {
  filterShape: number[];
}

function checkFloat(op: string, metas: readonly TensorMeta[], names: readonly string[]): void {
  metas.forEach((m, i) => {
    if (!isFloat(m.dtype)) throw new DTypeError(`${names[i]} (shape ${fmtShape(m.shape)}) must be float32 or float64, got ${m.dtype}`, op);
  });
  if (metas.some((m) => m.dtype !== metas[0]!.dtype)) throw new DTypeError(`inputs must share a dtype: ${metas.map((m, i) => `${names[i]} is ${m.dtype}`).join(', ')}`, op);
}

/** Validates x [N, C, H, W] against w [O, C/groups, KH, KW] and returns the output shape. */
export function convOutputShape(op: string, x: readonly number[], w: readonly number[], attrs: ConvAttrs): [number, number, number, number] {
  checkRank4(op, 'input', x);
  checkRank4(op, 'weight', w);
  const { groups } = attrs;
  if (!Number.isInteger(groups) || groups < 1) throw new ShapeError(`groups must be a positive integer, got ${groups}`, op);
  if (x[1]! % groups !== 0 || w[0]! % groups !== 0) {
    throw new ShapeError(`input channels (${x[1]}) and output channels (${w[0]}) must both be divisible by groups (${groups})`, op);
  }
  if (w[1]! * groups !== x[1]) {
    throw new ShapeError(`channel mismatch: input ${fmtShape(x)} has ${x[1]} channels but weight ${fmtShape(w)} expects ${w[1]! * groups} (${w[1]} per group x ${groups} groups)`, op);
  }
  const [OH, OW] = windowShape(op, x, { kernel: [w[2]!, w[3]!], stride: attrs.stride, padding: attrs.padding, dilation: attrs.dilation });
  return [x[0]!, w[0]!, OH, OW];
}

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

const conv2dOp = defineOp<ConvAttrs>({
  name: 'conv2d',
  inputs: ['x', 'weight'],
  infer([x, w], attrs) {
    checkFloat('conv2d', [x!, w!], ['input', 'weight']);
    return [{ shape: convOutputShape('conv2d', x!.shape, w!.shape, attrs), dtype: x!.dtype }];
  },
});

const backpropInputOp = defineOp<ConvBackpropInputAttrs>({
  name: 'conv2dBackpropInput',
  inputs: ['dy', 'weight'],
  infer([dy, w], attrs) {
    checkFloat('conv2dBackpropInput', [dy!, w!], ['dy', 'weight']);
    const out = convOutputShape('conv2dBackpropInput', attrs.inputShape, w!.shape, attrs);
    if (fmtShape(out) !== fmtShape(dy!.shape)) {
      throw new ShapeError(`dy has shape ${fmtShape(dy!.shape)} but a convolution of ${fmtShape(attrs.inputShape)} with weight ${fmtShape(w!.shape)} produces ${fmtShape(out)}`, 'conv2dBackpropInput');
    }
    return [{ shape: [...attrs.inputShape], dtype: dy!.dtype }];
  },
});

const backpropFilterOp = defineOp<ConvBackpropFilterAttrs>({
  name: 'conv2dBackpropFilter',
  inputs: ['x', 'dy'],
  infer([x, dy], attrs) {
    checkFloat('conv2dBackpropFilter', [x!, dy!], ['x', 'dy']);
    const out = convOutputShape('conv2dBackpropFilter', x!.shape, attrs.filterShape, attrs);
    if (fmtShape(out) !== fmtShape(dy!.shape)) {
      throw new ShapeError(`dy has shape ${fmtShape(dy!.shape)} but a convolution of ${fmtShape(x!.shape)} with a ${fmtShape(attrs.filterShape)} filter produces ${fmtShape(out)}`, 'conv2dBackpropFilter');
    }
    return [{ shape: [...attrs.filterShape], dtype: x!.dtype }];
  },
});

const fusedConv2dOp = defineOp<FusedConv2dAttrs>({
  name: 'fusedConv2d',
  inputs: ['x', 'weight', 'bias'],
  infer([x, w, b], attrs) {
    checkFusedActivation(attrs.activation, 'conv2d');
    const [y] = conv2dOp.infer([x!, w!], attrs);
    if (b!.shape.length !== 1 || b!.shape[0] !== w!.shape[0] || b!.dtype !== x!.dtype) {
      throw new ShapeError(`bias ${fmtShape(b!.shape)} (${b!.dtype}) must have one ${x!.dtype} entry per output channel (${w!.shape[0]})`, 'conv2d');
    }
    return [y!];
  },
  composite([x, w, b], { activation, ...conv }) {
    const y = conv2dOp.run1([x!, w!], conv);
    return [applyActivation(y.add(b!.reshape([1, b!.shape[0]!, 1, 1])), activation)];
  },
});

const convTransposeOp = defineOp<ConvTransposeAttrs>({
  name: 'convTranspose2d',
  inputs: ['x', 'weight'],
  infer([x, w], attrs) {
    if (!isFloat(x!.dtype) || x!.dtype !== w!.dtype) throw new DTypeError(`input and weight must share a float dtype, got ${x!.dtype} and ${w!.dtype}`, 'convTranspose2d');
    return [{ shape: convTransposeShape(x!.shape, w!.shape, attrs), dtype: x!.dtype }];
  },
  composite([x, w], attrs) {
    const { outputPadding: _, ...conv } = attrs;
    return backpropInputOp.run([x!, w!], { ...conv, inputShape: convTransposeShape(x!.shape, w!.shape, attrs) });
  },
});

/** The convolution ops. */
export const convOps = {
  conv2d: conv2dOp,
  conv2dBackpropInput: backpropInputOp,
  conv2dBackpropFilter: backpropFilterOp,
  fusedConv2d: fusedConv2dOp,
  convTranspose2d: convTransposeOp,
};

/** Descriptors of the convolution ops. */
export const convOpDefs: OpDef[] = Object.values(convOps);
