/**
 * Output sizes of sliding windows (convolution and pooling), with errors
 * that name the op and the shapes.
 * @module
 */
import { fmtShape, ShapeError } from '../errors.js';
import type { Window2d } from './window-attrs.js';

/** Output size of a sliding window along one dim (PyTorch's formula, with ceil mode). */
export function windowOutput(size: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number, ceilMode = false): number {
  const span = size + padBefore + padAfter - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // In ceil mode the last window must start inside the input or its left padding.
  if (ceilMode && (out - 1) * stride >= size + padBefore) out--;
  return out;
}

/** Output [OH, OW] of a window over [H, W]; throws when it would have no output (the kernel larger than the padded input, outside ceil mode). */
export function windowShape(op: string, inputShape: readonly number[], w: Window2d, ceilMode = false): [number, number] {
  const [H, W] = [inputShape[inputShape.length - 2]!, inputShape[inputShape.length - 1]!];
  const [pt, pb, pl, pr] = w.padding;
  const effective = [(w.kernel[0] - 1) * w.dilation[0] + 1, (w.kernel[1] - 1) * w.dilation[1] + 1];
  const out: [number, number] = [windowOutput(H, w.kernel[0], w.stride[0], pt, pb, w.dilation[0], ceilMode), windowOutput(W, w.kernel[1], w.stride[1], pl, pr, w.dilation[1], ceilMode)];
  // A window larger than the padded input leaves no output, except in ceil mode, where (as in PyTorch) one window may hang over the end.
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      `kernel ${w.kernel[0]}x${w.kernel[1]}${w.dilation.some((d) => d > 1) ? ` (dilated to ${effective[0]}x${effective[1]})` : ''} is larger than the padded input ${H + pt + pb}x${W + pl + pr} (input ${fmtShape(inputShape)}, padding [${w.padding.join(',')}])`,
      op,
    );
  }
  return out;
}

/** Checks that an input is NCHW (rank 4). */
export function checkRank4(op: string, arg: string, shape: readonly number[]): void {
  if (shape.length !== 4) throw new ShapeError(`${arg} must be 4-D [N, C, H, W], got ${fmtShape(shape)} (rank ${shape.length})`, op);
}

/**
 * PyTorch's average-pooling windows along one axis of `size`: for each of
 * the `out` outputs, the input range [lo, hi) it sums and its share of the
 * divisor (the window's extent within the padded input with
 * `countIncludePad`, else its extent within the input). The divisor of an
 * output is the product of its row and column shares.
 */
export function avgPoolAxis(size: number, out: number, kernel: number, stride: number, padBefore: number, padAfter: number, countIncludePad: boolean): { lo: Int32Array; hi: Int32Array; share: Int32Array } {
  const lo = new Int32Array(out), hi = new Int32Array(out), share = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    const start = o * stride - padBefore, end = Math.min(start + kernel, size + padAfter);
    lo[o] = Math.max(start, 0);
    hi[o] = Math.min(end, size);
    share[o] = countIncludePad ? end - start : hi[o]! - lo[o]!;
  }
  return { lo, hi, share };
}
