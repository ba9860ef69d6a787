/**
 * Convolution ops: descriptors, cpu kernels (im2col onto the blocked
 * matmul) and gradients. `conv2dBackpropInput` and `conv2dBackpropFilter`
 * are ops of their own so that any backend can accelerate them, and each
 * op's gradient is one of the other two.
 * @module
 */
import { allocArray, biasActivation, type ConvAttrs, DTypeError, fmtShape, type FusedConv2dAttrs, gemm, getEngine, type GradientDef, isFloat, type KernelDef, type OpDef, ShapeError, type Tensor, type TensorMeta, type TypedArray } from '@nn/tensor';
import { checkRank4, windowShape } from './geometry.js';
import { col2im, type ConvGeometry as Geometry, im2col } from './im2col.js';

export type { ConvAttrs };

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

function geometry(x: readonly number[], w: readonly number[], out: readonly number[], a: ConvAttrs): Geometry {
  return { cg: w[1]!, H: x[2]!, W: x[3]!, KH: w[2]!, KW: w[3]!, OH: out[2]!, OW: out[3]!, sh: a.stride[0], sw: a.stride[1], pt: a.padding[0], pl: a.padding[2], dh: a.dilation[0], dw: a.dilation[1] };
}

const conv2dDef: OpDef<ConvAttrs> = {
  name: 'conv2d',
  inputs: ['x', 'weight'],
  infer([x, w], attrs) {
    checkFloat('conv2d', [x!, w!], ['input', 'weight']);
    return [{ shape: convOutputShape('conv2d', x!.shape, w!.shape, attrs), dtype: x!.dtype }];
  },
};

const backpropInputDef: OpDef<ConvAttrs & { inputShape: number[] }> = {
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
};

const backpropFilterDef: OpDef<ConvAttrs & { filterShape: number[] }> = {
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
};

/** Descriptors of the convolution ops. */
export const convOpDefs: OpDef[] = [conv2dDef, backpropInputDef, backpropFilterDef];

const conv2dKernel: KernelDef<ConvAttrs> = {
  op: 'conv2d',
  backend: 'cpu',
  run([x, w], attrs, { outputs }) {
    const out = outputs[0]!.shape;
    const [N, O, OH, OW] = out as [number, number, number, number];
    const g = geometry(x!.shape, w!.shape, out, attrs);
    const G = attrs.groups, og = O / G, K = g.cg * g.KH * g.KW, OHW = OH * OW;
    const xv = x!.data as TypedArray, wv = w!.data as TypedArray;
    const y = allocArray(outputs[0]!.dtype, N * O * OHW);
    const cols = allocArray(outputs[0]!.dtype, K * OHW);
    const pointwise = g.KH === 1 && g.KW === 1 && g.sh === 1 && g.sw === 1 && attrs.padding.every((p) => p === 0);
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < G; gi++) {
        const xOff = (n * x!.shape[1]! + gi * g.cg) * g.H * g.W;
        // A 1x1 convolution needs no unfolding: the input planes are the columns.
        if (!pointwise) im2col(xv, xOff, g, cols);
        gemm(wv, gi * og * K, false, pointwise ? xv : cols, pointwise ? xOff : 0, false, y, (n * O + gi * og) * OHW, og, OHW, K);
      }
    }
    return [y];
  },
};

/** fusedConv2d on the cpu: the convolution, then the bias and activation. */
const fusedConv2dKernel: KernelDef<FusedConv2dAttrs> = {
  op: 'fusedConv2d',
  backend: 'cpu',
  run([x, w, b], attrs, ctx) {
    const [y] = conv2dKernel.run([x!, w!], attrs, ctx) as [TypedArray];
    const [, O, OH, OW] = ctx.outputs[0]!.shape as [number, number, number, number];
    return [biasActivation(y, b!.data as TypedArray, O, OH * OW, attrs.activation, ctx.outputs[0]!, ctx)];
  },
};

const backpropInputKernel: KernelDef<ConvAttrs & { inputShape: number[] }> = {
  op: 'conv2dBackpropInput',
  backend: 'cpu',
  run([dy, w], attrs, { outputs }) {
    const xShape = attrs.inputShape;
    const [N, C, H, W] = xShape as [number, number, number, number];
    const [, O, OH, OW] = dy!.shape as [number, number, number, number];
    const g = geometry(xShape, w!.shape, dy!.shape, attrs);
    const G = attrs.groups, og = O / G, K = g.cg * g.KH * g.KW, OHW = OH * OW;
    const dyv = dy!.data as TypedArray, wv = w!.data as TypedArray;
    const dx = allocArray(outputs[0]!.dtype, N * C * H * W);
    const cols = allocArray(outputs[0]!.dtype, K * OHW);
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < G; gi++) {
        cols.fill(0);
        // cols = W_gᵀ · dy_g, then fold the columns back onto the input.
        gemm(wv, gi * og * K, true, dyv, (n * O + gi * og) * OHW, false, cols, 0, K, OHW, og);
        col2im(cols, g, dx, (n * C + gi * g.cg) * H * W);
      }
    }
    return [dx];
  },
};

const backpropFilterKernel: KernelDef<ConvAttrs & { filterShape: number[] }> = {
  op: 'conv2dBackpropFilter',
  backend: 'cpu',
  run([x, dy], attrs, { outputs }) {
    const wShape = attrs.filterShape;
    const [N, O, OH, OW] = dy!.shape as [number, number, number, number];
    const g = geometry(x!.shape, wShape, dy!.shape, attrs);
    const G = attrs.groups, og = O / G, K = g.cg * g.KH * g.KW, OHW = OH * OW;
    const xv = x!.data as TypedArray, dyv = dy!.data as TypedArray;
    const dw = allocArray(outputs[0]!.dtype, O * K);
    const cols = allocArray(outputs[0]!.dtype, K * OHW);
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < G; gi++) {
        im2col(xv, (n * x!.shape[1]! + gi * g.cg) * g.H * g.W, g, cols);
        // dW_g += dy_g · colsᵀ, summed over the batch.
        gemm(dyv, (n * O + gi * og) * OHW, false, cols, 0, true, dw, gi * og * K, og, K, OHW);
      }
    }
    return [dw];
  },
};

/** cpu kernels of the convolution ops. */
export const convKernels: KernelDef[] = [conv2dKernel, fusedConv2dKernel, backpropInputKernel, backpropFilterKernel];

const run1 = (op: string, inputs: Tensor[], attrs: Record<string, unknown>) => getEngine().run(op, inputs, attrs)[0]!;
const convAttrs = (a: Record<string, unknown>) => ({ stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups });

/** Each convolution op's gradient is made of the other two. */
export const convGradients: GradientDef[] = [
  {
    op: 'conv2d',
    vjp: ([dy], { inputs: [x, w], attrs }) => [
      run1('conv2dBackpropInput', [dy!, w!], { ...convAttrs(attrs), inputShape: [...x!.shape] }),
      run1('conv2dBackpropFilter', [x!, dy!], { ...convAttrs(attrs), filterShape: [...w!.shape] }),
    ],
  },
  {
    op: 'conv2dBackpropInput',
    vjp: ([ddx], { inputs: [dy, w], attrs }) => [
      run1('conv2d', [ddx!, w!], convAttrs(attrs)),
      run1('conv2dBackpropFilter', [ddx!, dy!], { ...convAttrs(attrs), filterShape: [...w!.shape] }),
    ],
  },
  {
    op: 'conv2dBackpropFilter',
    vjp: ([ddw], { inputs: [x, dy], attrs }) => [
      run1('conv2dBackpropInput', [dy!, ddw!], { ...convAttrs(attrs), inputShape: [...x!.shape] }),
      run1('conv2d', [x!, ddw!], convAttrs(attrs)),
    ],
  },
];
