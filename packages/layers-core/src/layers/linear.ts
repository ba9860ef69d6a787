/**
 * `Linear`: y = x Wᵀ + b.
 * @module
 */
import { type FusedActivation, fmtShape, linear, rand, ShapeError, ValueError, type Tensor } from '@nn/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * A fully connected layer, y = x Wᵀ + b, over the last dim of `x`. The
 * weight is `[outFeatures, inFeatures]`, as in PyTorch (so state dicts
 * interchange), initialised like PyTorch: U(−1/√in, 1/√in) for W and b.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, { bias = true }: LinearOptions = {}) {
    super();
    for (const [name, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${name} must be a positive integer, got ${v}`, 'Linear');
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = new Parameter(rand([outFeatures, inFeatures], { low: -bound, high: bound }));
    this.bias = bias ? new Parameter(rand([outFeatures], { low: -bound, high: bound })) : null;
  }

  forward(x: Tensor): Tensor {
    return this.forwardActivated(x, null);
  }

  /** One multiply-add per weight per input row. */
  override multiplyAdds(_inputs: readonly (readonly number[])[], output: readonly number[]): number {
    return output.reduce((a, b) => a * b, 1) * this.inFeatures;
  }

  /** The layer followed by a pointwise activation, as one fused op (see {@link Module.forwardActivated}). */
  override forwardActivated(x: Tensor, activation: FusedActivation | null): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(`input has shape ${fmtShape(x.shape)} but the layer expects ${this.inFeatures} features in its last dim`, 'Linear');
    }
    return linear(x, this.weight, this.bias, { activation });
  }
}
