/**
 * cpu kernels (im2col onto the blocked matmul) and gradients of the
 * convolution ops that @nn/tensor declares. Each op's gradient is made of
 * the other two.
 * @module
 */
import { allocArray, type ConvAttrs, convOps, type GradientDef, type KernelDef } from '@nn/tensor';
import { biasActivation, cpuKernel, gemm, type GradientTable, gradientsOf } from '@nn/tensor/kernel';
import { col2im, type ConvGeometry as Geometry, im2col } from './im2col.js';

function geometry(x: readonly number[], w: readonly number[], out: readonly number[], a: ConvAttrs): Geometry {
  return { cg: w[1]!, H: x[2]!, W: x[3]!, KH: w[2]!, KW: w[3]!, OH: out[2]!, OW: out[3]!, sh: a.stride[0], sw: a.stride[1], pt: a.padding[0], pl: a.padding[2], dh: a.dilation[0], dw: a.dilation[1] };
}

const conv2dKernel = cpuKernel(convOps.conv2d, ([x, w], attrs, { outputs }) => {
  const out = outputs[0]!.shape;
  const [N, O, OH, OW] = out as [number, number, number, number];
  const g = geometry(x!.shape, w!.shape, out, attrs);
  const G = attrs.groups, og = O / G, K = g.cg * g.KH * g.KW, OHW = OH * OW;
  const xv = x!.data, wv = w!.data;
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
});

/** fusedConv2d on the cpu: the convolution, then the bias and activation. */
const fusedConv2dKernel = cpuKernel(convOps.fusedConv2d, ([x, w, b], attrs, ctx) => {
  const [y] = conv2dKernel.run([x!, w!], attrs, ctx);
  const [, O, OH, OW] = ctx.outputs[0]!.shape as [number, number, number, number];
  return [biasActivation(y!, b!.data, O, OH * OW, attrs.activation, ctx.outputs[0]!, ctx)];
});

const backpropInputKernel = cpuKernel(convOps.conv2dBackpropInput, ([dy, w], attrs, { outputs }) => {
  const xShape = attrs.inputShape;
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [, O, OH, OW] = dy!.shape as [number, number, number, number];
  const g = geometry(xShape, w!.shape, dy!.shape, attrs);
  const G = attrs.groups, og = O / G, K = g.cg * g.KH * g.KW, OHW = OH * OW;
  const dyv = dy!.data, wv = w!.data;
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
});

const backpropFilterKernel = cpuKernel(convOps.conv2dBackpropFilter, ([x, dy], attrs, { outputs }) => {
  const wShape = attrs.filterShape;
  const [N, O, OH, OW] = dy!.shape as [number, number, number, number];
  const g = geometry(x!.shape, wShape, dy!.shape, attrs);
  const G = attrs.groups, og = O / G, K = g.cg * g.KH * g.KW, OHW = OH * OW;
  const xv = x!.data, dyv = dy!.data;
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
});

/** cpu kernels of the convolution ops. */
export const convKernels: KernelDef[] = [conv2dKernel, fusedConv2dKernel, backpropInputKernel, backpropFilterKernel];

const convAttrs = ({ stride, padding, dilation, groups }: ConvAttrs): ConvAttrs => ({ stride, padding, dilation, groups });
const { conv2d, conv2dBackpropInput, conv2dBackpropFilter } = convOps;

/** Each convolution op's gradient is made of the other two. */
const convRules: GradientTable<typeof convOps> = {
  conv2d: ([dy], { inputs: [x, w], attrs }) => [
    conv2dBackpropInput.run1([dy!, w!], { ...convAttrs(attrs), inputShape: [...x!.shape] }),
    conv2dBackpropFilter.run1([x!, dy!], { ...convAttrs(attrs), filterShape: [...w!.shape] }),
  ],
  conv2dBackpropInput: ([ddx], { inputs: [dy, w], attrs }) => [
    conv2d.run1([ddx!, w!], convAttrs(attrs)),
    conv2dBackpropFilter.run1([ddx!, dy!], { ...convAttrs(attrs), filterShape: [...w!.shape] }),
  ],
  conv2dBackpropFilter: ([ddw], { inputs: [x, dy], attrs }) => [
    conv2dBackpropInput.run1([dy!, ddw!], { ...convAttrs(attrs), inputShape: [...x!.shape] }),
    conv2d.run1([x!, ddw!], convAttrs(attrs)),
  ],
};

/** The convolution gradients, for the plugin. */
export const convGradients: GradientDef[] = gradientsOf(convRules);
