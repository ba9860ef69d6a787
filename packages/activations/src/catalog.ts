/**
 * What each activation is, as the chapter on activation functions
 * classifies them: its formula, output range, and saturation (none, soft or
 * hard, on the left and on the right).
 * @module
 */
import { ValueError } from '@nn/tensor';

/** How a function saturates on one side: not at all, asymptotically (soft), or exactly at a finite input (hard). */
export type Saturation = 'none' | 'soft' | 'hard';

/** Metadata of one activation. */
export interface ActivationInfo {
  readonly name: string;
  /** The formula, in plain text. */
  readonly formula: string;
  /** Output range [min, max] with the default parameters (±Infinity where unbounded). */
  readonly range: readonly [number, number];
  /** Saturation for x → −∞ and x → +∞. */
  readonly saturation: { readonly left: Saturation; readonly right: Saturation };
  /** Learnable parameters, if any. */
  readonly learnable: readonly string[];
  /** Behaves differently in training and evaluation. */
  readonly stochastic: boolean;
  /** A note on the derivative where it matters (kinks, zero gradients). */
  readonly derivative: string;
}

const I = Infinity;
const info = (
  name: string,
  formula: string,
  range: [number, number],
  left: Saturation,
  right: Saturation,
  derivative: string,
  learnable: string[] = [],
  stochastic = false,
): ActivationInfo => ({ name, formula, range, saturation: { left, right }, learnable, stochastic, derivative });

/** The catalog, by function name. */
export const CATALOG: Readonly<Record<string, ActivationInfo>> = Object.fromEntries(
  [
    info('linear', 'f(x) = x', [-I, I], 'none', 'none', "f'(x) = 1"),
    info('ramp', 'f(x) = min(max(x, lo), hi), default [0, 1]', [0, 1], 'hard', 'hard', "1 on (lo, hi), 0 outside"),
    info('step', 'f(x) = 1 if x > 0 else 0', [0, 1], 'hard', 'hard', '0 almost everywhere (undefined at 0); straight-through estimator optional'),
    info('sign', 'f(x) = sgn(x)', [-1, 1], 'hard', 'hard', '0 almost everywhere (undefined at 0); straight-through estimator optional'),
    info('sigmoid', 'f(x) = 1 / (1 + e^−x)', [0, 1], 'soft', 'soft', "f(x)(1 − f(x)), at most 1/4"),
    info('tanh', 'f(x) = (e^x − e^−x) / (e^x + e^−x)', [-1, 1], 'soft', 'soft', "1 − f(x)², at most 1"),
    info('relu', 'f(x) = max(x, 0)', [0, I], 'hard', 'none', '0 for x < 0, 1 for x > 0 (0 taken at 0)'),
    info('leakyRelu', 'f(x) = x if x > 0 else a·x (a = 0.01)', [-I, I], 'none', 'none', 'a for x < 0, 1 for x > 0'),
    info('prelu', 'f(x) = x if x > 0 else a·x, a learned (shared or per channel)', [-I, I], 'none', 'none', 'a for x < 0, 1 for x > 0; ∂f/∂a = x for x < 0', ['a']),
    info('rrelu', 'f(x) = x if x ≥ 0 else a·x, a ~ U(l, u) in training, (l + u)/2 in evaluation', [-I, I], 'none', 'none', 'the drawn slope for x < 0, 1 for x > 0', [], true),
    info('maxout', 'f(x) = max_i (w_i·x + b_i) over k affine pieces', [-I, I], 'none', 'none', 'the gradient of the winning piece', ['W', 'b']),
    info('elu', 'f(x) = x if x > 0 else α(e^x − 1)', [-1, I], 'soft', 'none', 'f(x) + α for x ≤ 0, 1 for x > 0'),
    info('selu', 'f(x) = λ·(x if x > 0 else α(e^x − 1)), λ ≈ 1.0507, α ≈ 1.6733', [-1.7581, I], 'soft', 'none', 'λ(f/λ + α) for x ≤ 0, λ for x > 0'),
    info('crelu', 'f(x) = concat(relu(x), relu(−x)) along channels', [0, I], 'hard', 'none', 'that of relu, on each half'),
    info('mpelu', 'f(x) = x if x > 0 else α(e^(βx) − 1), α and β learned per channel', [-1, I], 'soft', 'none', 'αβe^(βx) for x ≤ 0, 1 for x > 0', ['α', 'β']),
    info('noisyHardSigmoid', 'α·h(x) + (1 − α)·u(x) + d(x)·c(σ(pΔ) − ½)²·|ξ|, h the hard sigmoid', [-I, I], 'hard', 'hard', 'non-zero where h saturates, through u and the noise scale', ['p (optional)'], true),
    info('noisyHardTanh', 'α·h(x) + (1 − α)·u(x) + d(x)·c(σ(pΔ) − ½)²·|ξ|, h the hard tanh', [-I, I], 'hard', 'hard', 'non-zero where h saturates, through u and the noise scale', ['p (optional)'], true),
    info('softmax', 'f(x)_i = e^(x_i) / Σ_j e^(x_j)', [0, 1], 'soft', 'soft', 'f_i(δ_ij − f_j)'),
    info('logSoftmax', 'f(x)_i = x_i − log Σ_j e^(x_j)', [-I, 0], 'none', 'soft', 'δ_ij − softmax_j'),
    info('hardtanh', 'f(x) = min(max(x, −1), 1)', [-1, 1], 'hard', 'hard', '1 on (−1, 1), 0 outside'),
    info('hardSigmoid', 'f(x) = min(max(x/6 + 1/2, 0), 1)', [0, 1], 'hard', 'hard', '1/6 on (−3, 3), 0 outside'),
    info('softplus', 'f(x) = log(1 + e^x)', [0, I], 'soft', 'none', 'sigmoid(x)'),
    info('gelu', 'f(x) = x·Φ(x) (exact, via erf) or ½x(1 + tanh(√(2/π)(x + 0.044715x³)))', [-0.17, I], 'soft', 'none', 'Φ(x) + x·φ(x)'),
    info('silu', 'f(x) = x·sigmoid(x) (swish)', [-0.2785, I], 'soft', 'none', 'σ(x)(1 + x(1 − σ(x)))'),
    info('mish', 'f(x) = x·tanh(softplus(x))', [-0.3088, I], 'soft', 'none', 'smooth everywhere'),
    info('celu', 'f(x) = max(0, x) + min(0, α(e^(x/α) − 1))', [-1, I], 'soft', 'none', 'e^(x/α) for x ≤ 0, 1 for x > 0: continuous at 0 for every α'),
    info('hardswish', 'f(x) = x·min(max(x + 3, 0), 6)/6', [-0.375, I], 'hard', 'none', '0 for x < −3, (2x + 3)/6 on (−3, 3), 1 for x > 3'),
    info('logsigmoid', 'f(x) = log(1 / (1 + e^−x)) = −softplus(−x)', [-I, 0], 'none', 'soft', '1 − sigmoid(x)'),
    info('softsign', 'f(x) = x / (1 + |x|)', [-1, 1], 'soft', 'soft', '1 / (1 + |x|)², polynomial (slower than tanh) saturation'),
    info('tanhshrink', 'f(x) = x − tanh(x)', [-I, I], 'none', 'none', 'tanh(x)²'),
    info('softshrink', 'f(x) = x − λ if x > λ, x + λ if x < −λ, else 0 (λ = 0.5)', [-I, I], 'none', 'none', '1 outside [−λ, λ], 0 inside'),
    info('hardshrink', 'f(x) = x if |x| > λ else 0 (λ = 0.5)', [-I, I], 'none', 'none', '1 outside [−λ, λ], 0 inside; a jump at ±λ'),
    info('threshold', 'f(x) = x if x > t else v', [-I, I], 'none', 'none', '1 above t, 0 below; a jump at t unless v = t'),
    info('glu', 'f(a, b) = a·sigmoid(b), the input split in halves a, b along a dim', [-I, I], 'none', 'none', 'σ(b) for a, a·σ(b)(1 − σ(b)) for b'),
  ].map((a) => [a.name, a]),
);

/** The metadata of an activation by name. */
export function activationInfo(name: string): ActivationInfo {
  const entry = CATALOG[name];
  if (entry === undefined) throw new ValueError(`unknown activation '${name}' (known: ${Object.keys(CATALOG).join(', ')})`, 'activationInfo');
  return entry;
}
