/**
 * The modern (continuous) Hopfield network of Ramsauer et al. 2020,
 * "Hopfield Networks is All You Need": stored patterns X [N, d], a state
 * ξ [..., d], and the update ξ ← softmax(β ξ Xᵀ) X, which minimises the
 * energy E = −lse(β, Xξ) + ½ ξᵀξ + const and retrieves a pattern in one
 * step with a capacity exponential in d. It is attention with the stored
 * patterns as keys and values; differentiable, on every backend.
 * @module
 */
import { softmax } from '@nn/activations';
import { Module } from '@nn/layers-core';
import { fmtShape, matmul, ShapeError, type Tensor, ValueError } from '@nn/tensor';

/** One or more updates ξ ← softmax(β ξ Xᵀ) X of states [..., d] against patterns [N, d]. */
export function hopfieldRetrieve(state: Tensor, patterns: Tensor, { beta = 1, steps = 1 }: { beta?: number; steps?: number } = {}): Tensor {
  const op = 'hopfieldRetrieve';
  if (patterns.rank !== 2 || state.shape.at(-1) !== patterns.shape[1]) throw new ShapeError(`patterns must be [N, d] with the state's d: state ${fmtShape(state.shape)}, patterns ${fmtShape(patterns.shape)}`, op);
  if (!(beta > 0) || !Number.isInteger(steps) || steps < 1) throw new ValueError(`beta must be positive and steps a positive integer, got ${beta} and ${steps}`, op);
  let xi = state;
  for (let k = 0; k < steps; k++) xi = matmul(softmax(matmul(xi, patterns, { transposeB: true }).mul(beta), -1), patterns);
  return xi;
}

/** A Hopfield layer holding its patterns (a buffer): `call(state)` retrieves. */
export class ModernHopfield extends Module {
  patterns!: Tensor;

  constructor(patterns: Tensor, readonly beta = 1, readonly steps = 1) {
    super();
    if (patterns.rank !== 2) throw new ShapeError(`patterns must be [N, d], got ${fmtShape(patterns.shape)}`, 'ModernHopfield');
    this.registerBuffer('patterns', patterns.clone());
  }

  forward(state: Tensor): Tensor {
    return hopfieldRetrieve(state, this.patterns, { beta: this.beta, steps: this.steps });
  }
}
