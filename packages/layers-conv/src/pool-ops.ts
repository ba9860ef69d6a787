/**
 * Pooling ops: max pooling with its indices (the "switches"), max
 * unpooling, average pooling and its adjoint, each with a cpu kernel
 * written as plain loops, and gradients that route or spread the
 * cotangent exactly as the chapter describes.
 * @module
 */
import { allocArray, type AvgPoolAttrs, DTypeError, fmtShape, getEngine, type GradientDef, isFloat, type KernelDef, type MaxPoolAttrs, type OpDef, ShapeError, type Tensor, type TensorMeta, type TypedArray, ValueError } from '@nn/tensor';
import { checkRank4, type Window2d, windowShape } from './geometry.js';

export type { AvgPoolAttrs, MaxPoolAttrs };

function checkFloatInput(op: string, x: TensorMeta): void {
  checkRank4(op, 'input', x.shape);
  if (!isFloat(x.dtype)) throw new DTypeError(`input (shape ${fmtShape(x.shape)}) must be float, got ${x.dtype}`, op);
}

function checkIndices(op: string, x: TensorMeta, indices: TensorMeta): void {
  if (indices.dtype !== 'int32') throw new DTypeError(`indices must be int32 (as maxPool2d returns them), got ${indices.dtype}`, op);
  if (fmtShape(indices.shape) !== fmtShape(x.shape)) {
    throw new ShapeError(`indices ${fmtShape(indices.shape)} do not match the input ${fmtShape(x.shape)}: they must come from the pooling that produced it`, op);
  }
}

const maxPoolDef: OpDef<MaxPoolAttrs> = {
  name: 'maxPool2d',
  inputs: ['x'],
  infer([x], attrs) {
    checkFloatInput('maxPool2d', x!);
    const [OH, OW] = windowShape('maxPool2d', x!.shape, attrs, attrs.ceilMode);
    const shape = [x!.shape[0]!, x!.shape[1]!, OH, OW];
    return [{ shape, dtype: x!.dtype }, { shape, dtype: 'int32' }];
  },
};

const avgPoolDef: OpDef<AvgPoolAttrs> = {
  name: 'avgPool2d',
  inputs: ['x'],
  infer([x], attrs) {
    checkFloatInput('avgPool2d', x!);
    const [OH, OW] = windowShape('avgPool2d', x!.shape, attrs, attrs.ceilMode);
    return [{ shape: [x!.shape[0]!, x!.shape[1]!, OH, OW], dtype: x!.dtype }];
  },
};

const avgPoolBackwardDef: OpDef<AvgPoolAttrs & { inputShape: number[] }> = {
  name: 'avgPool2dBackward',
  inputs: ['dy'],
  infer([dy], attrs) {
    checkFloatInput('avgPool2dBackward', dy!);
    const [OH, OW] = windowShape('avgPool2dBackward', attrs.inputShape, attrs, attrs.ceilMode);
    if (dy!.shape[2] !== OH || dy!.shape[3] !== OW) throw new ShapeError(`dy ${fmtShape(dy!.shape)} does not match pooling ${fmtShape(attrs.inputShape)} to ${OH}x${OW}`, 'avgPool2dBackward');
    return [{ shape: [...attrs.inputShape], dtype: dy!.dtype }];
  },
};

const maxUnpoolDef: OpDef<{ outputSize: [number, number] }> = {
  name: 'maxUnpool2d',
  inputs: ['x', 'indices'],
  infer([x, indices], { outputSize }) {
    checkFloatInput('maxUnpool2d', x!);
    checkIndices('maxUnpool2d', x!, indices!);
    if (outputSize.length !== 2 || outputSize.some((d) => !Number.isInteger(d) || d < 1)) throw new ValueError(`outputSize must be [H, W], got ${JSON.stringify(outputSize)}`, 'maxUnpool2d');
    return [{ shape: [x!.shape[0]!, x!.shape[1]!, outputSize[0], outputSize[1]], dtype: x!.dtype }];
  },
};

const spatialGatherDef: OpDef = {
  name: 'spatialGather',
  inputs: ['x', 'indices'],
  infer([x, indices]) {
    checkFloatInput('spatialGather', x!);
    if (indices!.dtype !== 'int32' || indices!.shape.length !== 4 || indices!.shape[0] !== x!.shape[0] || indices!.shape[1] !== x!.shape[1]) {
      throw new ShapeError(`indices ${fmtShape(indices!.shape)} ${indices!.dtype} must be int32 [N, C, h, w] for input ${fmtShape(x!.shape)}`, 'spatialGather');
    }
    return [{ shape: [...indices!.shape], dtype: x!.dtype }];
  },
};

/** Descriptors of the pooling ops. */
export const poolOpDefs: OpDef[] = [maxPoolDef, avgPoolDef, avgPoolBackwardDef, maxUnpoolDef, spatialGatherDef];

const maxPoolKernel: KernelDef<MaxPoolAttrs> = {
  op: 'maxPool2d',
  backend: 'cpu',
  run([x], { kernel: [KH, KW], stride: [sh, sw], padding: [pt, , pl], dilation: [dh, dw] }, { outputs }) {
    const [N, C, H, W] = x!.shape as [number, number, number, number];
    const [, , OH, OW] = outputs[0]!.shape as [number, number, number, number];
    const xv = x!.data as TypedArray;
    const y = allocArray(outputs[0]!.dtype, N * C * OH * OW);
    const idx = new Int32Array(y.length);
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
          idx[o] = at;
        }
      }
    }
    return [y, idx];
  },
};

/** PyTorch's average-pooling window: its clipped bounds and divisor. */
function avgWindows(attrs: AvgPoolAttrs, H: number, W: number, OH: number, OW: number): { h0: Int32Array; h1: Int32Array; w0: Int32Array; w1: Int32Array; div: Float64Array } {
  const { kernel: [KH, KW], stride: [sh, sw], padding: [pt, pb, pl, pr], countIncludePad } = attrs;
  const h0 = new Int32Array(OH), h1 = new Int32Array(OH), w0 = new Int32Array(OW), w1 = new Int32Array(OW);
  const hSize = new Int32Array(OH), wSize = new Int32Array(OW);
  for (let oh = 0; oh < OH; oh++) {
    const start = oh * sh - pt, end = Math.min(start + KH, H + pb);
    hSize[oh] = end - start;
    h0[oh] = Math.max(start, 0);
    h1[oh] = Math.min(end, H);
  }
  for (let ow = 0; ow < OW; ow++) {
    const start = ow * sw - pl, end = Math.min(start + KW, W + pr);
    wSize[ow] = end - start;
    w0[ow] = Math.max(start, 0);
    w1[ow] = Math.min(end, W);
  }
  const div = new Float64Array(OH * OW);
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      div[oh * OW + ow] = countIncludePad ? hSize[oh]! * wSize[ow]! : (h1[oh]! - h0[oh]!) * (w1[ow]! - w0[ow]!);
    }
  }
  return { h0, h1, w0, w1, div };
}

const avgPoolKernel: KernelDef<AvgPoolAttrs> = {
  op: 'avgPool2d',
  backend: 'cpu',
  run([x], attrs, { outputs }) {
    const [N, C, H, W] = x!.shape as [number, number, number, number];
    const [, , OH, OW] = outputs[0]!.shape as [number, number, number, number];
    const { h0, h1, w0, w1, div } = avgWindows(attrs, H, W, OH, OW);
    const xv = x!.data as TypedArray;
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
  },
};

const avgPoolBackwardKernel: KernelDef<AvgPoolAttrs & { inputShape: number[] }> = {
  op: 'avgPool2dBackward',
  backend: 'cpu',
  run([dy], attrs, { outputs }) {
    const [N, C, H, W] = attrs.inputShape as [number, number, number, number];
    const [, , OH, OW] = dy!.shape as [number, number, number, number];
    const { h0, h1, w0, w1, div } = avgWindows(attrs, H, W, OH, OW);
    const dyv = dy!.data as TypedArray;
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
  },
};

function checkedIndex(op: string, i: number, size: number, at: number): number {
  if (i < 0 || i >= size) throw new ValueError(`index ${i} at position ${at} is outside the ${size} positions of the output plane (indices from a different pool?)`, op);
  return i;
}

const maxUnpoolKernel: KernelDef<{ outputSize: [number, number] }> = {
  op: 'maxUnpool2d',
  backend: 'cpu',
  run([x, indices], { outputSize: [H, W] }, { outputs }) {
    const [N, C, h, w] = x!.shape as [number, number, number, number];
    const xv = x!.data as TypedArray, iv = indices!.data as Int32Array;
    const out = allocArray(outputs[0]!.dtype, N * C * H * W);
    const plane = h * w, size = H * W;
    // Scatter-add: identical to placing each value when windows do not overlap, and the exact adjoint of max pooling when they do.
    for (let p = 0; p < N * C; p++) for (let i = 0; i < plane; i++) out[p * size + checkedIndex('maxUnpool2d', iv[p * plane + i]!, size, p * plane + i)]! += xv[p * plane + i]!;
    return [out];
  },
};

const spatialGatherKernel: KernelDef = {
  op: 'spatialGather',
  backend: 'cpu',
  run([x, indices], _attrs, { outputs }) {
    const [N, C, H, W] = x!.shape as [number, number, number, number];
    const xv = x!.data as TypedArray, iv = indices!.data as Int32Array;
    const plane = indices!.shape[2]! * indices!.shape[3]!, size = H * W;
    const out = allocArray(outputs[0]!.dtype, N * C * plane);
    for (let p = 0; p < N * C; p++) for (let i = 0; i < plane; i++) out[p * plane + i] = xv[p * size + checkedIndex('spatialGather', iv[p * plane + i]!, size, p * plane + i)]!;
    return [out];
  },
};

/** cpu kernels of the pooling ops. */
export const poolKernels: KernelDef[] = [maxPoolKernel, avgPoolKernel, avgPoolBackwardKernel, maxUnpoolKernel, spatialGatherKernel];

const run1 = (op: string, inputs: Tensor[], attrs: Record<string, unknown> = {}) => getEngine().run(op, inputs, attrs)[0]!;

/** Max pooling routes each gradient to its window's maximum; average pooling spreads it evenly; unpooling and gathering are adjoint. */
export const poolGradients: GradientDef[] = [
  { op: 'maxPool2d', vjp: ([dy], { inputs: [x], outputs: [, indices] }) => [run1('maxUnpool2d', [dy!, indices!], { outputSize: [x!.shape[2], x!.shape[3]] })] },
  { op: 'avgPool2d', vjp: ([dy], { inputs: [x], attrs }) => [run1('avgPool2dBackward', [dy!], { ...attrs, inputShape: [...x!.shape] })] },
  {
    op: 'avgPool2dBackward',
    vjp: ([ddx], { attrs }) => {
      const { inputShape: _, ...pool } = attrs as AvgPoolAttrs & { inputShape: number[] };
      return [run1('avgPool2d', [ddx!], pool)];
    },
  },
  { op: 'maxUnpool2d', vjp: ([dy], { inputs: [, indices] }) => [run1('spatialGather', [dy!, indices!]), null] },
  { op: 'spatialGather', vjp: ([dy], { inputs: [x, indices] }) => [run1('maxUnpool2d', [dy!, indices!], { outputSize: [x!.shape[2], x!.shape[3]] }), null] },
];
