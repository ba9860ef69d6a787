/**
 * Pooling ops: max pooling with its indices (the "switches"), max
 * unpooling, average pooling and its adjoint, each with a cpu kernel
 * written as plain loops, and gradients that route or spread the
 * cotangent exactly as the chapter describes.
 * @module
 */
import { allocArray, avgPoolAxis, type AvgPoolAttrs, type GradientDef, type KernelDef, NNError, poolOps, ValueError } from '@nn/tensor';
import { cpuKernel, type GradientTable, gradientsOf } from '@nn/tensor/kernel';
import type { Window2d } from './geometry.js';

const maxPoolKernel = cpuKernel(poolOps.maxPool2d, ([x], { kernel: [KH, KW], stride: [sh, sw], padding: [pt, , pl], dilation: [dh, dw], indices }, { outputs }) => {
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const [, , OH, OW] = outputs[0]!.shape as [number, number, number, number];
  const xv = x!.data;
  const y = allocArray(outputs[0]!.dtype, N * C * OH * OW);
  const idx = indices === false ? null : new Int32Array(y.length);
  for (let plane = 0, o = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o++) {
        let best = -Infinity, at = -1;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw - pl + kw * dw;
            if (iw < 0 || iw >= W) continue;
            const v = xv[base + ih * W + iw]!;
            if (v > best || at < 0 || v !== v) {
              best = v;
              at = ih * W + iw;
              if (v !== v) break;
            }
          }
        }
        y[o] = best;
        if (idx) idx[o] = at;
      }
    }
  }
  return idx ? [y, idx] : [y];
});

/** PyTorch's average-pooling window: its clipped bounds and divisor. */
function avgWindows(attrs: AvgPoolAttrs, H: number, W: number, OH: number, OW: number): { h0: Int32Array; h1: Int32Array; w0: Int32Array; w1: Int32Array; div: Float64Array } {
  const { kernel: [KH, KW], stride: [sh, sw], padding: [pt, pb, pl, pr], countIncludePad } = attrs;
  const rows = avgPoolAxis(H, OH, KH, sh, pt, pb, countIncludePad), cols = avgPoolAxis(W, OW, KW, sw, pl, pr, countIncludePad);
  const div = new Float64Array(OH * OW);
  for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) div[oh * OW + ow] = rows.share[oh]! * cols.share[ow]!;
  return { h0: rows.lo, h1: rows.hi, w0: cols.lo, w1: cols.hi, div };
}

const avgPoolKernel = cpuKernel(poolOps.avgPool2d, ([x], attrs, { outputs }) => {
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const [, , OH, OW] = outputs[0]!.shape as [number, number, number, number];
  const { h0, h1, w0, w1, div } = avgWindows(attrs, H, W, OH, OW);
  const xv = x!.data;
  const y = allocArray(outputs[0]!.dtype, N * C * OH * OW);
  for (let plane = 0, o = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o++) {
        let s = 0;
        for (let ih = h0[oh]!; ih < h1[oh]!; ih++) for (let iw = w0[ow]!; iw < w1[ow]!; iw++) s += xv[base + ih * W + iw]!;
        y[o] = s / div[oh * OW + ow]!;
      }
    }
  }
  return [y];
});

const avgPoolBackwardKernel = cpuKernel(poolOps.avgPool2dBackward, ([dy], attrs, { outputs }) => {
  const [N, C, H, W] = attrs.inputShape as [number, number, number, number];
  const [, , OH, OW] = dy!.shape as [number, number, number, number];
  const { h0, h1, w0, w1, div } = avgWindows(attrs, H, W, OH, OW);
  const dyv = dy!.data;
  const dx = allocArray(outputs[0]!.dtype, N * C * H * W);
  for (let plane = 0, o = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o++) {
        const share = dyv[o]! / div[oh * OW + ow]!;
        for (let ih = h0[oh]!; ih < h1[oh]!; ih++) for (let iw = w0[ow]!; iw < w1[ow]!; iw++) dx[base + ih * W + iw]! += share;
      }
    }
  }
  return [dx];
});

function checkedIndex(op: string, i: number, size: number, at: number): number {
  if (i < 0 || i >= size) throw new ValueError(`index ${i} at position ${at} is outside the ${size} positions of the output plane (indices from a different pool?)`, op);
  return i;
}

/** Puts each value of x back at its index in a zeroed output: summed (max pooling's gradient) or written (unpooling). */
function unpoolKernel(op: typeof poolOps.maxUnpool2d | typeof poolOps.maxPool2dBackward, add: boolean): KernelDef {
  return cpuKernel(op, ([x, indices], { outputSize: [H, W] }, { outputs }) => {
    const [N, C, h, w] = x!.shape as [number, number, number, number];
    const xv = x!.data, iv = indices!.data as Int32Array;
    const out = allocArray(outputs[0]!.dtype, N * C * H * W);
    const plane = h * w, size = H * W;
    for (let p = 0; p < N * C; p++) {
      for (let i = 0; i < plane; i++) {
        const at = p * size + checkedIndex(op.name, iv[p * plane + i]!, size, p * plane + i);
        out[at] = add ? out[at]! + xv[p * plane + i]! : xv[p * plane + i]!;
      }
    }
    return [out];
  });
}

const spatialGatherKernel = cpuKernel(poolOps.spatialGather, ([x, indices], _attrs, { outputs }) => {
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const xv = x!.data, iv = indices!.data as Int32Array;
  const plane = indices!.shape[2]! * indices!.shape[3]!, size = H * W;
  const out = allocArray(outputs[0]!.dtype, N * C * plane);
  for (let p = 0; p < N * C; p++) for (let i = 0; i < plane; i++) out[p * plane + i] = xv[p * size + checkedIndex('spatialGather', iv[p * plane + i]!, size, p * plane + i)]!;
  return [out];
});

/** cpu kernels of the pooling ops. */
export const poolKernels: KernelDef[] = [maxPoolKernel, avgPoolKernel, avgPoolBackwardKernel, unpoolKernel(poolOps.maxPool2dBackward, true), unpoolKernel(poolOps.maxUnpool2d, false), spatialGatherKernel];

const { avgPool2d, avgPool2dBackward, maxPool2dBackward, spatialGather } = poolOps;

/**
 * Max pooling routes each gradient to its window's maximum (summing where
 * windows share one); average pooling spreads it evenly; unpooling is
 * answered by a gather at the indices, whose adjoint is the summing scatter.
 */
const poolRules: GradientTable<typeof poolOps> = {
  maxPool2d: ([dy], { inputs: [x], outputs: [, indices] }) => {
    if (indices === undefined) throw new NNError('maxPool2d: ran with indices: false, so it has no gradient; the front-ends ask for indices whenever autograd records');
    return [maxPool2dBackward.run1([dy!, indices!], { outputSize: [x!.shape[2]!, x!.shape[3]!] })];
  },
  avgPool2d: ([dy], { inputs: [x], attrs }) => [avgPool2dBackward.run1([dy!], { ...attrs, inputShape: [...x!.shape] })],
  avgPool2dBackward: ([ddx], { attrs: { inputShape: _, ...pool } }) => [avgPool2d.run1([ddx!], pool)],
  maxPool2dBackward: ([ddx], { inputs: [, indices] }) => [spatialGather.run1([ddx!, indices!]), null],
  maxUnpool2d: ([dy], { inputs: [, indices] }) => [spatialGather.run1([dy!, indices!]), null],
  spatialGather: ([dy], { inputs: [x, indices] }) => [maxPool2dBackward.run1([dy!, indices!], { outputSize: [x!.shape[2]!, x!.shape[3]!] }), null],
};

/** The pooling gradients, for the plugin. */
export const poolGradients: GradientDef[] = gradientsOf(poolRules);
