/**
 * `Dropout`: random zeroing during training.
 * @module
 */
import { rand, ValueError, type Tensor } from '@nn/tensor';
import { Module } from '../module.js';

/**
 * In training, zeroes each element with probability `p` and scales the rest
 * by 1/(1−p) (inverted dropout), so evaluation is the identity. Seeded by
 * `manualSeed`.
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new ValueError(`p must be in [0, 1), got ${p}`, 'Dropout');
    this.p = p;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = rand(x.shape).ge(this.p).cast(x.dtype);
    return x.mul(keep).mul(1 / (1 - this.p));
  }
}
