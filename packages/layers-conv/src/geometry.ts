/**
 * Convolution and pooling geometry: normalising stride/padding/dilation
 * arguments and computing output sizes, with errors that name the op and
 * the shapes.
 * @module
 */
import { ValueError, type Window2d } from '@nn/tensor';

export { checkRank4, windowOutput, windowShape } from '@nn/tensor';

/** A size per spatial dim, or one for both. */
export type Pair = number | readonly [number, number];
/** Padding: one number or a pair (symmetric per dim), or 'same' / 'valid'. */
export type Padding = Pair | 'same' | 'valid';

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
