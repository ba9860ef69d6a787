/**
 * cpu kernels of the batch-norm ops, channel by channel (x is [N, C, S]
 * with S the product of the spatial dims), and the gradient of `batchNorm`.
 * Sums accumulate in float64 whatever the dtype.
 * @module
 */
import { allocArray, type GradientDef, type KernelDef, normOps, type TypedArray } from '@nn/tensor';
import { cpuKernel, type GradientTable, gradientsOf } from '@nn/tensor/kernel';

/** [N, C, S] of a batch-norm input. */
function dims(shape: readonly number[]): [number, number, number] {
  const N = shape[0]!, C = shape[1]!;
  return [N, C, shape.slice(2).reduce((a, b) => a * b, 1)];
}

/** Σ over channel c of f(i) for every index i of x that belongs to it. */
function channelSum(N: number, C: number, S: number, c: number, f: (i: number) => number): number {
  let sum = 0;
  for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, end = i + S; i < end; i++) sum += f(i);
  return sum;
}

const forwardKernel = cpuKernel(normOps.batchNorm, ([x, weight, bias], { eps }, { outputs }) => {
  const [N, C, S] = dims(x!.shape);
  const xv = x!.data, w = weight!.data, b = bias!.data;
  const dtype = outputs[0]!.dtype;
  const y = allocArray(dtype, xv.length), mean = allocArray(dtype, C), variance = allocArray(dtype, C);
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const m = channelSum(N, C, S, c, (i) => xv[i]!) / M;
    const v = channelSum(N, C, S, c, (i) => (xv[i]! - m) ** 2) / M;
    const scale = w[c]! / Math.sqrt(v + eps), shift = b[c]! - m * scale;
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, end = i + S; i < end; i++) y[i] = xv[i]! * scale + shift;
    mean[c] = m;
    variance[c] = v;
  }
  return [y, mean, variance];
});

const backwardKernel = cpuKernel(normOps.batchNormBackward, ([dy, x, mean, variance, weight, dmean, dvariance], { eps }, { outputs }) => {
  const [N, C, S] = dims(x!.shape);
  const g = dy!.data, xv = x!.data;
  const dtype = outputs[0]!.dtype;
  const dx: TypedArray = allocArray(dtype, xv.length), dw = allocArray(dtype, C), db = allocArray(dtype, C);
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const m = mean!.data[c]!, s = 1 / Math.sqrt(variance!.data[c]! + eps), ws = weight!.data[c]! * s;
    const sumDy = channelSum(N, C, S, c, (i) => g[i]!);
    const sumDyX = channelSum(N, C, S, c, (i) => g[i]! * (xv[i]! - m));
    // dx = ws·dy + slope·(x − mean) + offset (see the composite in @nn/tensor)
    const slope = (2 * dvariance!.data[c]! - ws * s * s * sumDyX) / M;
    const offset = (dmean!.data[c]! - ws * sumDy) / M;
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, end = i + S; i < end; i++) dx[i] = ws * g[i]! + slope * (xv[i]! - m) + offset;
    dw[c] = sumDyX * s;
    db[c] = sumDy;
  }
  return [dx, dw, db];
});

const rules: GradientTable<typeof normOps> = {
  batchNorm: ([dy, dmean, dvariance], { inputs: [x, weight], outputs: [, mean, variance], attrs }) =>
    normOps.batchNormBackward.run([dy!, x!, mean!, variance!, weight!, dmean!, dvariance!], attrs),
};

/** cpu kernels of the batch-norm ops. */
export const batchNormKernels: KernelDef[] = [forwardKernel, backwardKernel];
/** The gradient of `batchNorm` (its backward op is differentiated as its composite). */
export const batchNormGradients: GradientDef[] = gradientsOf(rules);
