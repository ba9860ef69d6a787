/**
 * The activation catalog as functions of tensors.
 *
 * The hot ones (leaky ReLU, ELU, GELU, softmax, log-softmax) run as
 * primitive ops with fused cpu kernels; ReLU, sigmoid and tanh are core
 * primitives; the rest are one-line compositions of ops, so they run on
 * every backend and differentiate with no extra code.
 * @module
 */
import { detach, noGrad } from '@nn/autograd';
import { activationOps, type Attrs, type AttrsArg, concat, fmtShape, maximum, minimum, normalizeAxis, type OpHandle, rand, ShapeError, split, type Tensor, ValueError, where } from '@nn/tensor';
import { ensureActivations } from './plugin.js';

/** Runs one of the activation ops, registering this package's kernels and gradients first. */
function runActivation<T extends Attrs>(op: OpHandle<T>, x: Tensor, ...attrs: AttrsArg<T>): Tensor {
  ensureActivations();
  return op.run1([x], ...attrs);
}

/** How step-like functions pass gradients back: not at all (their true derivative), or straight through. */
export type StraightThrough = false | 'identity' | 'clipped';

/**
 * Replaces the (zero) gradient of a step-like forward value with a
 * straight-through estimate: identity (gradient 1) or clipped (gradient 1
 * where |x| ≤ 1, as in Hubara et al. 2016).
 */
function straightThrough(x: Tensor, value: Tensor, ste: StraightThrough): Tensor {
  if (ste === false) return value;
  const surrogate = ste === 'clipped' ? hardtanh(x) : x;
  return surrogate.add(detach(value.sub(surrogate)));
}

/** The identity: f(x) = x. */
export const linear = (x: Tensor): Tensor => x;

/** Ramp: x clipped to [lo, hi] (default [0, 1]); gradient 1 inside, 0 outside. */
export function ramp(x: Tensor, lo = 0, hi = 1): Tensor {
  if (!(lo < hi)) throw new ValueError(`lo (${lo}) must be below hi (${hi})`, 'ramp');
  return minimum(maximum(x, lo), hi);
}

/** Hardtanh: x clipped to [min, max] (default [−1, 1]). */
export const hardtanh = (x: Tensor, min = -1, max = 1): Tensor => ramp(x, min, max);

/**
 * Heaviside step: 1 where x > threshold, else 0. Its derivative is zero
 * almost everywhere (and undefined at the jump), so by default it passes no
 * gradient; `ste` substitutes a straight-through estimate.
 */
export function step(x: Tensor, { threshold = 0, ste = false }: { threshold?: number; ste?: StraightThrough } = {}): Tensor {
  return straightThrough(x, x.gt(threshold).cast(x.dtype), ste);
}

/**
 * sign(x) ∈ {−1, 0, 1}. Zero gradient almost everywhere, as for `step`;
 * `ste` substitutes a straight-through estimate (binarised networks).
 */
export function sign(x: Tensor, { ste = false }: { ste?: StraightThrough } = {}): Tensor {
  return straightThrough(x, x.sign(), ste);
}

/** Logistic sigmoid 1 / (1 + e^−x). */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => x.tanh();
/** max(x, 0). */
export const relu = (x: Tensor): Tensor => x.relu();

/** Leaky ReLU: x for x > 0, slope·x otherwise (default slope 0.01). */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  return runActivation(activationOps.leakyRelu, x, { slope });
}

/** ELU (Clevert et al. 2016): x for x > 0, α(e^x − 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  if (!(alpha >= 0)) throw new ValueError(`alpha must be non-negative, got ${alpha}`, 'elu');
  return runActivation(activationOps.elu, x, { alpha });
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** SELU (Klambauer et al. 2017): λ·ELU_α(x) with the self-normalising constants. */
export const selu = (x: Tensor): Tensor => elu(x, SELU_ALPHA).mul(SELU_SCALE);

/** The error function, elementwise. */
export const erf = (x: Tensor): Tensor => runActivation(activationOps.erf, x);

/** GELU (Hendrycks and Gimpel 2016): x·Φ(x), exact (erf) or with the tanh approximation. */
export function gelu(x: Tensor, { approximate = 'none' }: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  return runActivation(activationOps.gelu, x, { approximate: approximate === 'tanh' ? 1 : 0 });
}

/** Softplus: (1/β)·log(1 + e^(βx)), computed stably; linear above `threshold` (as PyTorch). */
export function softplus(x: Tensor, { beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {}): Tensor {
  if (!(beta > 0)) throw new ValueError(`beta must be positive, got ${beta}`, 'softplus');
  const bx = x.mul(beta);
  // log(1 + e^z) = max(z, 0) + log(1 + e^−|z|): never overflows.
  const soft = bx.relu().add(bx.abs().neg().exp().add(1).log()).div(beta);
  return where(bx.gt(threshold), x, soft);
}

/** SiLU / swish (Ramachandran et al. 2017): x·σ(βx) (β = 1 is SiLU). */
export const silu = (x: Tensor, beta = 1): Tensor => x.mul(beta === 1 ? x.sigmoid() : x.mul(beta).sigmoid());
/** Swish, the same as {@link silu}. */
export const swish = silu;

/** Mish (Misra 2019): x·tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => x.mul(softplus(x).tanh());

/** Hard sigmoid: clip(slope·x + 0.5, 0, 1); PyTorch's slope is 1/6, the noisy-activation paper's 1/4. */
export const hardSigmoid = (x: Tensor, slope = 1 / 6): Tensor => ramp(x.mul(slope).add(0.5), 0, 1);

/** softmax over `axis` (default last), stable: finite for inputs up to ±1e4 and beyond. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return runActivation(activationOps.softmax, x, { axis });
}

/** log-softmax over `axis` (default last), stable: x − max − log Σ e^(x − max). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return runActivation(activationOps.logSoftmax, x, { axis });
}

/** The channel dim of `x` (1 for rank ≥ 2, else 0) with its size. */
export function channelAxis(x: Tensor, op: string): { axis: number; channels: number } {
  if (x.rank === 0) throw new ShapeError(`input must have at least one dim, got a scalar`, op);
  const axis = x.rank >= 2 ? 1 : 0;
  return { axis, channels: x.shape[axis]! };
}

/** Broadcasts a per-channel parameter `[C]` against `x` (channels at dim 1). */
export function perChannel(param: Tensor, x: Tensor, op: string): Tensor {
  if (param.size === 1) return param.reshape([]);
  const { axis, channels } = channelAxis(x, op);
  if (param.size !== channels) {
    throw new ShapeError(`has ${param.size} per-channel parameters but the input ${fmtShape(x.shape)} has ${channels} channels (dim ${axis})`, op);
  }
  return param.reshape(x.shape.map((d, i) => (i === axis ? d : 1)));
}

/** PReLU (He et al. 2015): x for x > 0, a·x otherwise, with `a` shared (one value) or per channel. */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const a = perChannel(weight, x, 'prelu');
  return where(x.gt(0), x, x.mul(a));
}

/**
 * RReLU (Xu et al. 2015): in training, x·a for x < 0 with a ~ U(lower, upper)
 * drawn per element (seeded by `manualSeed`); in evaluation the fixed slope
 * (lower + upper)/2.
 */
export function rrelu(x: Tensor, { lower = 1 / 8, upper = 1 / 3, training = false }: { lower?: number; upper?: number; training?: boolean } = {}): Tensor {
  if (!(lower <= upper)) throw new ValueError(`lower (${lower}) must not exceed upper (${upper})`, 'rrelu');
  if (!training || lower === upper) return leakyRelu(x, (lower + upper) / 2);
  const slopes = noGrad(() => rand(x.shape, { low: lower, high: upper, dtype: x.dtype === 'float64' ? 'float64' : 'float32' }));
  return where(x.ge(0), x, x.mul(slopes));
}

/** CReLU (Shang et al. 2016): concat(relu(x), relu(−x)) along the channel axis (dim 1, or `axis`), doubling it. */
export function crelu(x: Tensor, axis?: number): Tensor {
  const ax = axis ?? channelAxis(x, 'crelu').axis;
  return concat([x.relu(), x.neg().relu()], ax);
}

/**
 * MPELU (Li, Ding and Lu 2016): x for x > 0, α(e^(βx) − 1) otherwise, with
 * α and β shared or per channel. α = 0 gives ReLU, α = β = 1 gives ELU,
 * and β → 0 approaches PReLU with slope αβ.
 */
export function mpelu(x: Tensor, alpha: Tensor, beta: Tensor): Tensor {
  const a = perChannel(alpha, x, 'mpelu'), b = perChannel(beta, x, 'mpelu');
  // exp only of the non-positive part, so large positive inputs never overflow.
  const negative = x.minimum(0);
  return where(x.gt(0), x, negative.mul(b).exp().sub(1).mul(a));
}

/** Maxout over groups: the max of `k` consecutive features of the last dim (`[..., n·k]` → `[..., n]`). */
export function maxout(x: Tensor, k: number): Tensor {
  const last = x.shape[x.rank - 1]!;
  if (!Number.isInteger(k) || k < 1 || last % k !== 0) throw new ShapeError(`the last dim (${last}) must be a multiple of k = ${k}`, 'maxout');
  return x.reshape([...x.shape.slice(0, -1), last / k, k]).max(-1);
}

/** CELU (Barron 2017): max(0, x) + min(0, α(e^(x/α) − 1)); continuously differentiable for any α > 0. */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (!(alpha > 0)) throw new ValueError(`alpha must be positive, got ${alpha}`, 'celu');
  // exp only of the non-positive part, so large inputs never overflow.
  return x.relu().add(x.minimum(0).div(alpha).exp().sub(1).mul(alpha));
}

/** Hard swish (Howard et al. 2019, MobileNetV3): x·relu6(x + 3)/6. */
export const hardswish = (x: Tensor): Tensor => x.mul(ramp(x.add(3), 0, 6)).div(6);

/** log σ(x) = −softplus(−x), computed stably: min(x, 0) − log(1 + e^−|x|). */
export const logsigmoid = (x: Tensor): Tensor => x.minimum(0).sub(x.abs().neg().exp().add(1).log());

/** Softsign: x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => x.div(x.abs().add(1));

/** Tanhshrink: x − tanh(x). */
export const tanhshrink = (x: Tensor): Tensor => x.sub(x.tanh());

function checkLambda(lambda: number, op: string): void {
  if (!(lambda >= 0)) throw new ValueError(`lambda must be non-negative, got ${lambda}`, op);
}

/** Soft shrinkage (soft thresholding): x − λ for x > λ, x + λ for x < −λ, 0 between (default λ = 0.5). */
export function softshrink(x: Tensor, lambda = 0.5): Tensor {
  checkLambda(lambda, 'softshrink');
  return where(x.gt(lambda), x.sub(lambda), where(x.lt(-lambda), x.add(lambda), 0));
}

/** Hard shrinkage: x where |x| > λ, 0 elsewhere (default λ = 0.5). */
export function hardshrink(x: Tensor, lambda = 0.5): Tensor {
  checkLambda(lambda, 'hardshrink');
  return where(x.abs().gt(lambda), x, 0);
}

/** Threshold (PyTorch's `threshold`): x where x > threshold, else `value`. */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  return where(x.gt(threshold), x, value);
}

/**
 * Gated linear unit (Dauphin et al. 2017): splits `axis` (default last) in
 * halves a and b and returns a·σ(b), halving that dim.
 */
export function glu(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.shape, 'glu');
  const d = x.shape[ax]!;
  if (d % 2 !== 0) throw new ShapeError(`dim ${ax} of input ${fmtShape(x.shape)} has size ${d}, which must be even to split in halves`, 'glu');
  const [a, b] = split(x, d / 2, ax) as [Tensor, Tensor];
  return a.mul(b.sigmoid());
}
