/**
 * `Flatten` and `Identity`.
 * @module
 */
import type { Tensor } from '@nn/tensor';
import { Module } from '../module.js';

/** Flattens dims `startDim..endDim` (by default all but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

/** Returns its input unchanged (a placeholder, e.g. for an optional layer). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
