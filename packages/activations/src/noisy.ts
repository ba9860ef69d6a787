/**
 * Noisy activation functions (Gulcehre, Moczulski, Denil and Bengio, ICML
 * 2016, "Noisy Activation Functions", Algorithm 1), with half-normal noise.
 *
 * A hard-saturating function h (hard sigmoid, hard tanh) is mixed with its
 * linearisation u around 0, and noise is injected in proportion to how far
 * h has saturated, pushed towards the unsaturated side:
 *
 *   Δ = h(x) − u(x),   d(x) = −sgn(x)·sgn(1 − α),   σ(x) = c·(sigmoid(pΔ) − ½)²
 *   φ(x, ξ) = α·h(x) + (1 − α)·u(x) + d(x)·σ(x)·|ξ|,   ξ ~ N(0, 1)
 *
 * In evaluation the noise is replaced by its expectation E|ξ| = √(2/π),
 * so the output is deterministic and equals the mean of the training output.
 * Where h saturates (h' = 0) the (1 − α)u and σ terms still carry gradient.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { randn, type Tensor, ValueError } from '@nn/tensor';
import { hardSigmoid, hardtanh } from './functional.js';

/** Which hard-saturating function is made noisy. */
export type NoisyKind = 'hardSigmoid' | 'hardTanh';

/** Parameters of a noisy activation (the paper's; defaults from the authors' code). */
export interface NoisyOptions {
  /** Mixing of the hard function and its linearisation; α > 1 pushes the mean into the linear regime. Default 1.15. */
  alpha?: number;
  /** Scale of the noise. Default 0.05. */
  c?: number;
  /** Slope inside the noise's sigmoid: a number, or a tensor (learnable `p`). Default 1. */
  p?: number | Tensor;
  /** Draw noise (training) or use its expectation (evaluation). */
  training?: boolean;
}

const HALF_NORMAL_MEAN = Math.sqrt(2 / Math.PI);

/** The hard function and its first-order Taylor expansion at 0. */
function hardAndLinear(x: Tensor, kind: NoisyKind): { h: Tensor; u: Tensor } {
  return kind === 'hardSigmoid' ? { h: hardSigmoid(x, 0.25), u: x.mul(0.25).add(0.5) } : { h: hardtanh(x), u: x };
}

/** A noisy hard sigmoid or hard tanh, after Algorithm 1 of Gulcehre et al. 2016. */
export function noisyActivation(x: Tensor, kind: NoisyKind, { alpha = 1.15, c = 0.05, p = 1, training = false }: NoisyOptions = {}): Tensor {
  if (!(c >= 0)) throw new ValueError(`c must be non-negative, got ${c}`, 'noisyActivation');
  const { h, u } = hardAndLinear(x, kind);
  const delta = h.sub(u);
  const d = noGrad(() => x.sign().mul(-Math.sign(1 - alpha)));
  const sigma = delta.mul(p).sigmoid().sub(0.5).square().mul(c);
  const noise = training ? noGrad(() => randn(x.shape, { dtype: x.dtype === 'float64' ? 'float64' : 'float32' }).abs()) : HALF_NORMAL_MEAN;
  return h.mul(alpha).add(u.mul(1 - alpha)).add(d.mul(sigma).mul(noise));
}

/** Noisy hard sigmoid (see {@link noisyActivation}). */
export const noisyHardSigmoid = (x: Tensor, options: NoisyOptions = {}): Tensor => noisyActivation(x, 'hardSigmoid', options);

/** Noisy hard tanh (see {@link noisyActivation}). */
export const noisyHardTanh = (x: Tensor, options: NoisyOptions = {}): Tensor => noisyActivation(x, 'hardTanh', options);
