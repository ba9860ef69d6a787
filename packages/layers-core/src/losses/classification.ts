/**
 * Classification losses: cross-entropy from logits, NLL, binary
 * cross-entropy (on probabilities and on logits), multi-class hinge.
 *
 * Class-index targets gather the target's score (no one-hot tensor, which
 * costs N·C·H·W memory on segmentation maps and turns a masked −∞ logit into
 * 0·−∞ = NaN). Probability targets skip the terms whose probability is 0 for
 * the same reason.
 * @module
 */
import { DTypeError, fmtShape, isFloat, ShapeError, type Tensor, tensor, ValueError, where, zeros } from '@nn/tensor';
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

/** The per-sample shape of a loss over `input`: its shape without the class dim. */
function sampleShape(input: Tensor): number[] {
  return input.rank === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
}

/** The classes of the samples that count: where they are in the flattened `[M]` samples, and their class. */
interface ClassTargets {
  /** Flattened sample positions whose target is not `ignoreIndex`. */
  rows: Int32Array;
  /** Their classes, in [0, C). */
  classes: Int32Array;
  /** All samples (ignored ones included). */
  samples: number;
}

/**
 * How a target reads against `input`: probabilities (a float tensor of the
 * input's shape) or class indices (an integer tensor of the sample shape).
 * Names the problem when it is neither; float indices are refused rather
 * than truncated.
 */
function targetKind(op: string, input: Tensor, target: Tensor): 'probabilities' | 'indices' {
  const indexShape = sampleShape(input);
  const sameAsInput = target.rank === input.rank && target.shape.every((d, i) => d === input.shape[i]);
  const isIndexShape = target.rank === indexShape.length && target.shape.every((d, i) => d === indexShape[i]);
  if (sameAsInput && isFloat(target.dtype)) return 'probabilities';
  if (!isIndexShape) {
    throw new ShapeError(
      `target has shape ${fmtShape(target.shape)}, but input ${fmtShape(input.shape)} needs class indices of shape ${fmtShape(indexShape)} or probabilities of shape ${fmtShape(input.shape)}`,
      op,
    );
  }
  if (target.dtype !== 'int32') {
    throw new DTypeError(`target ${fmtShape(target.shape)} holds class indices and must be int32, got ${target.dtype} (cast whole-number labels with .cast('int32'))`, op);
  }
  return 'indices';
}

/** Reads and checks class indices: each in [0, C) or equal to `ignoreIndex`. */
function classTargets(op: string, input: Tensor, target: Tensor, ignoreIndex: number): ClassTargets {
  const C = input.rank === 1 ? input.shape[0]! : input.shape[1]!;
  const values = target.dataSync() as Int32Array;
  const rows: number[] = [];
  const classes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const c = values[i]!;
    if (c === ignoreIndex) continue;
    if (c < 0 || c >= C) {
      throw new ValueError(`target holds class ${c} at position ${i}, but input ${fmtShape(input.shape)} has ${C} classes (valid: 0 to ${C - 1}, or ignoreIndex ${ignoreIndex})`, op);
    }
    rows.push(i);
    classes.push(c);
  }
  return { rows: Int32Array.from(rows), classes: Int32Array.from(classes), samples: values.length };
}

/** Checks a per-class weight: a float vector of C entries. */
function checkWeight(op: string, input: Tensor, weight: Tensor | undefined): void {
  if (weight === undefined) return;
  const C = input.rank === 1 ? input.shape[0]! : input.shape[1]!;
  if (weight.rank !== 1 || weight.shape[0] !== C) throw new ShapeError(`weight must have shape [${C}] (one per class of input ${fmtShape(input.shape)}), got ${fmtShape(weight.shape)}`, op);
  if (!isFloat(weight.dtype)) throw new DTypeError(`weight must be float, got ${weight.dtype}`, op);
}

/** `scores[m, classes[m]]` for the counted samples of `[M, C]` scores: one gather, no one-hot. */
function pick(scores: Tensor, t: ClassTargets): Tensor {
  const C = scores.shape[1]!;
  const flat = new Int32Array(t.rows.length);
  for (let i = 0; i < flat.length; i++) flat[i] = t.rows[i]! * C + t.classes[i]!;
  return scores.reshape([-1]).gather(Array.from(flat));
}

/**
 * Reduces per-sample losses of the counted samples as PyTorch does for
 * class-index targets: 'mean' divides by the summed weights of the counted
 * samples (their number when unweighted; NaN when every sample is ignored,
 * as in PyTorch); 'none' puts the losses back at their positions, with 0 at
 * ignored ones.
 */
function reduceCounted(op: string, input: Tensor, perSample: Tensor, sampleWeights: Tensor | undefined, t: ClassTargets, reduction: Reduction): Tensor {
  if (reduction === 'none') {
    const full = zeros([t.samples], perSample.dtype).scatterAdd(Array.from(t.rows), perSample);
    return full.reshape(sampleShape(input));
  }
  if (reduction === 'mean') {
    const total = perSample.sum();
    return sampleWeights === undefined ? total.div(t.rows.length) : total.div(sampleWeights.sum());
  }
  return reduce(perSample, reduction, op);
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. */
  labelSmoothing?: number;
  /** A rescaling weight per class, shape `[C]` (PyTorch's `weight`). */
  weight?: Tensor;
  /**
   * A class-index target with this value adds nothing to the loss nor to the
   * mean's denominator (PyTorch's `ignore_index`, default −100). Applies to
   * class indices only.
   */
  ignoreIndex?: number;
}

/**
 * Cross-entropy of logits against class indices or class probabilities,
 * computed stably through log-softmax, as PyTorch's `cross_entropy`. Logits
 * are `[N, C]` (or `[N, C, ...]` with the class dim 1, or `[C]`); indices are
 * int32 `[N]` (or `[N, ...]`). A logit of −∞ (the masking idiom) is fine:
 * `crossEntropy([[-∞, 1, 2]], [1])` is 1.3133.
 */
export function crossEntropy(logits: Tensor, target: Tensor, { reduction = 'mean', labelSmoothing = 0, weight, ignoreIndex = -100 }: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  if (!isFloat(logits.dtype)) throw new DTypeError(`logits must be float, got ${logits.dtype}`, op);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError(`labelSmoothing must be in [0, 1], got ${labelSmoothing}`, op);
  checkWeight(op, logits, weight);
  const kind = targetKind(op, logits, target);
  const logProbs = logSoftmax(classesLast(logits), 1);
  const C = logProbs.shape[1]!;
  const w = weight?.cast(logits.dtype).reshape([1, C]);
  if (kind === 'probabilities') {
    let q = classesLast(target).cast(logits.dtype);
    if (labelSmoothing > 0) q = q.mul(1 - labelSmoothing).add(labelSmoothing / C);
    return reduce(weightedEntropy(q, logProbs, w).reshape(sampleShape(logits)), reduction, op);
  }
  const t = classTargets(op, logits, target, ignoreIndex);
  const sampleWeights = weight?.gather(Array.from(t.classes)).cast(logits.dtype);
  let perSample = pick(logProbs, t).neg();
  if (sampleWeights) perSample = perSample.mul(sampleWeights);
  if (labelSmoothing > 0) {
    // PyTorch's form: (1 − ε)·nll + ε/C · Σ_c −w_c·log p_c, over the counted samples.
    const counted = logProbs.gather(Array.from(t.rows));
    const uniform = (w ? counted.mul(w) : counted).sum(1).neg();
    perSample = perSample.mul(1 - labelSmoothing).add(uniform.mul(labelSmoothing / C));
  }
  return reduceCounted(op, logits, perSample, sampleWeights, t, reduction);
}

/** −Σ_c w_c·q_c·log p_c per row, leaving out the terms with q_c = 0 (so a −∞ log-probability there adds 0, not NaN). */
function weightedEntropy(q: Tensor, logProbs: Tensor, w: Tensor | undefined): Tensor {
  const terms = where(q.eq(0), 0, q.mul(logProbs));
  return (w ? terms.mul(w) : terms).sum(1).neg();
}

/** Options of {@link nllLoss}. */
export interface NllLossOptions {
  reduction?: Reduction;
  /** A rescaling weight per class, shape `[C]`. */
  weight?: Tensor;
  /** Targets with this class index are left out (default −100). */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood of log-probabilities (the output of `logSoftmax`)
 * at class indices, as PyTorch's `nll_loss` (probability targets are
 * accepted too: −Σ q·log p).
 */
export function nllLoss(logProbs: Tensor, target: Tensor, { reduction = 'mean', weight, ignoreIndex = -100 }: NllLossOptions = {}): Tensor {
  const op = 'nllLoss';
  if (!isFloat(logProbs.dtype)) throw new DTypeError(`logProbs must be float, got ${logProbs.dtype}`, op);
  checkWeight(op, logProbs, weight);
  const kind = targetKind(op, logProbs, target);
  const flat = classesLast(logProbs);
  if (kind === 'probabilities') {
    const w = weight?.cast(logProbs.dtype).reshape([1, -1]);
    return reduce(weightedEntropy(classesLast(target).cast(logProbs.dtype), flat, w).reshape(sampleShape(logProbs)), reduction, op);
  }
  const t = classTargets(op, logProbs, target, ignoreIndex);
  const sampleWeights = weight?.gather(Array.from(t.classes)).cast(logProbs.dtype);
  const picked = pick(flat, t).neg();
  return reduceCounted(op, logProbs, sampleWeights ? picked.mul(sampleWeights) : picked, sampleWeights, t, reduction);
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

/** Options of {@link hingeLoss}. */
export interface HingeLossOptions {
  margin?: number;
  p?: 1 | 2;
  /** A weight per class, shape `[C]`, applied by the target's class (PyTorch's `weight`). */
  weight?: Tensor;
  reduction?: Reduction;
}

/**
 * Multi-class hinge loss (PyTorch's `multi_margin_loss`): for each sample,
 * Σ_{i≠y} w_y·max(0, margin − x_y + x_i)^p / C. A score of −∞ on a wrong
 * class adds nothing.
 */
export function hingeLoss(scores: Tensor, target: Tensor, { margin = 1, p = 1, weight, reduction = 'mean' }: HingeLossOptions = {}): Tensor {
  const op = 'hingeLoss';
  if (scores.rank !== 2) throw new ShapeError(`scores must be [N, C], got ${fmtShape(scores.shape)}`, op);
  if (p !== 1 && p !== 2) throw new ValueError(`p must be 1 or 2, got ${String(p)}`, op);
  checkWeight(op, scores, weight);
  if (targetKind(op, scores, target) !== 'indices') throw new DTypeError(`target must be int32 class indices of shape [${scores.shape[0]}], got ${target.dtype} ${fmtShape(target.shape)}`, op);
  const t = classTargets(op, scores, target, Number.NaN);
  const [N, C] = scores.shape as [number, number];
  const correct = pick(scores, t).reshape([N, 1]);
  const isTarget = new Uint8Array(N * C);
  t.classes.forEach((c, n) => (isTarget[n * C + c] = 1));
  let violations = scores.sub(correct).add(margin).relu();
  if (p === 2) violations = violations.square();
  let perSample = where(tensor(isTarget, [N, C], 'bool'), 0, violations).sum(1).div(C);
  if (weight) perSample = perSample.mul(weight.gather(Array.from(t.classes)).cast(scores.dtype));
  return reduce(perSample, reduction, op);
}
