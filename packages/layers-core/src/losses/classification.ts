/**
 * Classification losses: cross-entropy from logits, NLL, binary
 * cross-entropy (on probabilities and on logits), multi-class hinge.
 * @module
 */
import { DTypeError, fmtShape, isFloat, oneHot, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { checkSameShape, reduce, type Reduction } from './reduction.js';

/** log softmax over `axis`, stable: x − logsumexp(x). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return x.sub(x.logsumexp(axis, true));
}

/** Moves the class dim (1 for rank >= 2) last and flattens the rest: `[M, C]`. */
function classesLast(x: Tensor): Tensor {
  if (x.rank <= 2) return x.rank === 1 ? x.reshape([1, x.shape[0]!]) : x;
  const perm = [0, ...x.shape.map((_, i) => i).slice(2), 1];
  return x.permute(perm).reshape([-1, x.shape[1]!]);
}

/**
 * Turns a target into per-row class probabilities `[M, C]`: class indices
 * (int32, shape of the input without its class dim) are one-hot encoded,
 * probabilities (the input's shape) are used as they are. Names the problem
 * when the target fits neither, or holds a class outside [0, C).
 */
function targetDistribution(op: string, input: Tensor, target: Tensor): Tensor {
  const C = input.rank === 1 ? input.shape[0]! : input.shape[1]!;
  const indexShape = input.rank === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  const sameAsInput = target.rank === input.rank && target.shape.every((d, i) => d === input.shape[i]);
  const isIndexShape = target.rank === indexShape.length && target.shape.every((d, i) => d === indexShape[i]);
  if (sameAsInput && isFloat(target.dtype)) return classesLast(target);
  if (!isIndexShape) {
    throw new ShapeError(
      `target has shape ${fmtShape(target.shape)}, but input ${fmtShape(input.shape)} needs class indices of shape ${fmtShape(indexShape)} or probabilities of shape ${fmtShape(input.shape)}`,
      op,
    );
  }
  if (target.dtype === 'bool') throw new DTypeError(`target holds class indices and must be int32, got bool`, op);
  const flat = target.reshape([-1]).cast('int32');
  const values = flat.dataSync();
  for (let i = 0; i < values.length; i++) {
    const c = values[i]!;
    if (c < 0 || c >= C) throw new ValueError(`target holds class ${c} at position ${i}, but input ${fmtShape(input.shape)} has ${C} classes (valid: 0 to ${C - 1})`, op);
  }
  return oneHot(flat, C).cast(input.dtype);
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits against class indices or class probabilities,
 * computed stably through log-softmax. Logits are `[N, C]` (or `[N, C, ...]`
 * with the class dim 1, or `[C]`); indices are int32 `[N]` (or `[N, ...]`).
 */
export function crossEntropy(logits: Tensor, target: Tensor, { reduction = 'mean', labelSmoothing = 0 }: CrossEntropyOptions = {}): Tensor {
  if (!isFloat(logits.dtype)) throw new DTypeError(`logits must be float, got ${logits.dtype}`, 'crossEntropy');
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError(`labelSmoothing must be in [0, 1], got ${labelSmoothing}`, 'crossEntropy');
  let q = targetDistribution('crossEntropy', logits, target);
  const C = q.shape[1]!;
  if (labelSmoothing > 0) q = q.mul(1 - labelSmoothing).add(labelSmoothing / C);
  const perRow = q.mul(logSoftmax(classesLast(logits), 1)).sum(1).neg();
  const shaped = logits.rank === 1 ? perRow.reshape([]) : perRow.reshape([logits.shape[0]!, ...logits.shape.slice(2)]);
  return reduce(shaped, reduction, 'crossEntropy');
}

/** Negative log-likelihood of log-probabilities (the output of `logSoftmax`) at class indices. */
export function nllLoss(logProbs: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  const q = targetDistribution('nllLoss', logProbs, target);
  const perRow = q.mul(classesLast(logProbs)).sum(1).neg();
  return reduce(logProbs.rank === 1 ? perRow.reshape([]) : perRow.reshape([logProbs.shape[0]!, ...logProbs.shape.slice(2)]), reduction, 'nllLoss');
}

/** Binary cross-entropy of probabilities in [0, 1]; log terms are clamped at −100, as in PyTorch. */
export function binaryCrossEntropy(probs: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  checkSameShape('binaryCrossEntropy', probs, target);
  const t = target.cast(probs.dtype);
  const logP = probs.log().maximum(-100);
  const log1mP = probs.neg().add(1).log().maximum(-100);
  return reduce(t.mul(logP).add(t.neg().add(1).mul(log1mP)).neg(), reduction, 'binaryCrossEntropy');
}

/** Binary cross-entropy of logits, stable for any magnitude: max(x, 0) − x·t + log(1 + e^−|x|). */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  checkSameShape('binaryCrossEntropyWithLogits', logits, target);
  const t = target.cast(logits.dtype);
  const loss = logits.relu().sub(logits.mul(t)).add(logits.abs().neg().exp().add(1).log());
  return reduce(loss, reduction, 'binaryCrossEntropyWithLogits');
}

/**
 * Multi-class hinge loss (PyTorch's `multi_margin_loss`): for each sample,
 * Σ_{i≠y} max(0, margin − x_y + x_i)^p / C.
 */
export function hingeLoss(scores: Tensor, target: Tensor, { margin = 1, p = 1, reduction = 'mean' }: { margin?: number; p?: 1 | 2; reduction?: Reduction } = {}): Tensor {
  if (scores.rank !== 2) throw new ShapeError(`scores must be [N, C], got ${fmtShape(scores.shape)}`, 'hingeLoss');
  if (p !== 1 && p !== 2) throw new ValueError(`p must be 1 or 2, got ${String(p)}`, 'hingeLoss');
  const y = targetDistribution('hingeLoss', scores, target);
  const C = scores.shape[1]!;
  const correct = scores.mul(y).sum(1, true);
  let violations = scores.sub(correct).add(margin).relu().mul(y.neg().add(1));
  if (p === 2) violations = violations.square();
  return reduce(violations.sum(1).div(C), reduction, 'hingeLoss');
}
