/**
 * Convolution and pooling geometry: normalising stride/padding/dilation
 * arguments and computing output sizes, with errors that name the op and
 * the shapes.
 * @module
 */
import { fmtShape, ShapeError, ValueError, type Window2d } from '@nn/tensor';

/** A size per spatial dim, or one for both. */
export type Pair = number | readonly [number, number];
/** Padding: one number or a pair (symmetric per dim), or 'same' / 'valid'. */
export type Padding = Pair | 'same' | 'valid';

/** Normalised 2-D window parameters, as op attributes. */
/** The window of a 2-D op (declared in @nn/tensor with the other windowed ops' attributes). */
export type { Window2d };

/** A pair from a number or a pair, checked to be integers >= `min`. */
export function pair(value: Pair, name: string, op: string, min = 1): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < min)) {
    throw new ValueError(`${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or a pair of them, got ${JSON.stringify(value)}`, op);
  }
  return p;
}

/** Explicit [top, bottom, left, right] padding; 'same' pads so that out = ceil(in / stride) (extra on the bottom/right, as TensorFlow and PyTorch). */
export function resolvePadding(padding: Padding, input: [number, number], kernel: [number, number], stride: [number, number], dilation: [number, number], op: string): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    const total = [0, 1].map((i) => Math.max(0, (Math.ceil(input[i]! / stride[i]!) - 1) * stride[i]! + (kernel[i]! - 1) * dilation[i]! + 1 - input[i]!));
    return [Math.floor(total[0]! / 2), total[0]! - Math.floor(total[0]! / 2), Math.floor(total[1]! / 2), total[1]! - Math.floor(total[1]! / 2)];
  }
  const [ph, pw] = pair(padding, 'padding', op, 0);
  return [ph, ph, pw, pw];
}

/** Output size of a sliding window along one dim (PyTorch's formula, with ceil mode). */
export function windowOutput(size: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number, ceilMode = false): number {
  const span = size + padBefore + padAfter - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // In ceil mode the last window must start inside the input or its left padding.
  if (ceilMode && (out - 1) * stride >= size + padBefore) out--;
  return out;
}

/** Output [OH, OW] of a window over [H, W]; throws when the kernel does not fit the padded input. */
export function windowShape(op: string, inputShape: readonly number[], w: Window2d, ceilMode = false): [number, number] {
  const [H, W] = [inputShape[inputShape.length - 2]!, inputShape[inputShape.length - 1]!];
  const [pt, pb, pl, pr] = w.padding;
  const effective = [(w.kernel[0] - 1) * w.dilation[0] + 1, (w.kernel[1] - 1) * w.dilation[1] + 1];
  if (effective[0]! > H + pt + pb || effective[1]! > W + pl + pr) {
    throw new ShapeError(
      `kernel ${w.kernel[0]}x${w.kernel[1]}${w.dilation.some((d) => d > 1) ? ` (dilated to ${effective[0]}x${effective[1]})` : ''} is larger than the padded input ${H + pt + pb}x${W + pl + pr} (input ${fmtShape(inputShape)}, padding [${w.padding.join(',')}])`,
      op,
    );
  }
  return [windowOutput(H, w.kernel[0], w.stride[0], pt, pb, w.dilation[0], ceilMode), windowOutput(W, w.kernel[1], w.stride[1], pl, pr, w.dilation[1], ceilMode)];
}

/** Checks that an input is NCHW (rank 4). */
export function checkRank4(op: string, arg: string, shape: readonly number[]): void {
  if (shape.length !== 4) throw new ShapeError(`${arg} must be 4-D [N, C, H, W], got ${fmtShape(shape)} (rank ${shape.length})`, op);
}
