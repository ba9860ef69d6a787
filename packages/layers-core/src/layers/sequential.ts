/**
 * `Sequential`: modules applied one after another.
 * @module
 */
import type { Tensor } from '@nn/tensor';
import { Module } from '../module.js';

/** Applies its modules in order. Their parameters are named `0.weight`, `1.bias`, ... as in PyTorch. */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  forward(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.forward(x);
    return x;
  }
}
