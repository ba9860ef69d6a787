/**
 * Gradient clipping and weight penalties.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { add, scalar, type Tensor, tidy, ValueError } from '@nn/tensor';

/**
 * Scales all gradients together so their global norm is at most `maxNorm`
 * (Pascanu et al. 2013, the remedy for exploding gradients in RNNs).
 * Returns the norm before clipping. `normType` may be 2, 1 or Infinity.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  if (!(maxNorm > 0)) throw new ValueError(`maxNorm must be positive, got ${maxNorm}`, 'clipGradNorm');
  if (normType !== 1 && normType !== 2 && normType !== Infinity) throw new ValueError(`normType must be 1, 2 or Infinity, got ${normType}`, 'clipGradNorm');
  const withGrad = [...params].filter((p) => p.grad !== null);
  if (withGrad.length === 0) return 0;
  const total = tidy(() =>
    noGrad(() => {
      const parts = withGrad.map((p) => (normType === Infinity ? p.grad!.abs().max() : normType === 1 ? p.grad!.abs().sum() : p.grad!.square().sum()));
      if (normType === Infinity) return Math.max(...parts.map((t) => t.item()));
      const sum = parts.reduce((a, b) => add(a, b)).item();
      return normType === 2 ? Math.sqrt(sum) : sum;
    }),
  );
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    noGrad(() => {
      for (const p of withGrad) p.grad!.assign(tidy(() => p.grad!.mul(coef)));
    });
  }
  return total;
}

/** Clamps every gradient element to [−clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue > 0)) throw new ValueError(`clipValue must be positive, got ${clipValue}`, 'clipGradValue');
  noGrad(() => {
    for (const p of params) if (p.grad !== null) p.grad.assign(tidy(() => p.grad!.maximum(-clipValue).minimum(clipValue)));
  });
}

/** λ · Σ|w| over the parameters: add it to the loss for L1 regularisation (sparse weights). */
export function l1Penalty(params: Iterable<Tensor>, lambda: number): Tensor {
  return [...params].map((p) => p.abs().sum()).reduce((a, b) => a.add(b), scalar(0)).mul(lambda);
}

/** (λ/2) · Σw² over the parameters: add it to the loss for L2 regularisation (weight decay λ under SGD). */
export function l2Penalty(params: Iterable<Tensor>, lambda: number): Tensor {
  return [...params].map((p) => p.square().sum()).reduce((a, b) => a.add(b), scalar(0)).mul(lambda / 2);
}
