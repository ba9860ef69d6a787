/**
 * The four segmentation metrics of the FCN paper (Long et al. 2015, section
 * 5), from a confusion matrix accumulated over batches: pixel accuracy,
 * mean (per-class) accuracy, mean IU and frequency-weighted IU. Pixels
 * labelled `ignoreIndex` are left out. A pixel whose scores hold a NaN is
 * counted as missed (in its true class's row, in no class's column), so a
 * model that outputs NaN or constants scores as badly as it is.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { DTypeError, fmtShape, ShapeError, type Tensor, tidy, ValueError } from '@nn/tensor';
import type { Metric } from './metrics.js';

/** The four metrics. */
export interface SegmentationScores {
  /** Σ_i n_ii / Σ_i t_i: the fraction of counted pixels labelled right. */
  pixelAccuracy: number;
  /** (1/n_cl) Σ_i n_ii / t_i over the classes present in the ground truth. */
  meanAccuracy: number;
  /** (1/n_cl) Σ_i n_ii / (t_i + Σ_j n_ji − n_ii) over the classes present. */
  meanIU: number;
  /** (Σ_k t_k)^-1 Σ_i t_i n_ii / (t_i + Σ_j n_ji − n_ii). */
  frequencyWeightedIU: number;
}

/**
 * A confusion matrix of `classes` classes: `counts[t · classes + p]` pixels
 * of true class t predicted as p, plus `missed[t]` pixels of class t with no
 * valid prediction (NaN scores).
 */
export class ConfusionMatrix {
  readonly counts: Float64Array;
  readonly missed: Float64Array;

  constructor(readonly classes: number, readonly ignoreIndex = 255) {
    if (!Number.isInteger(classes) || classes < 1) throw new ValueError(`classes must be a positive integer, got ${classes}`, 'ConfusionMatrix');
    this.counts = new Float64Array(classes * classes);
    this.missed = new Float64Array(classes);
  }

  reset(): void {
    this.counts.fill(0);
    this.missed.fill(0);
  }

  /** Adds a batch: scores `[N, C, H, W]` (argmax over C is the prediction) against labels int32 `[N, H, W]`. */
  update(scores: Tensor, labels: Tensor): void {
    const op = 'ConfusionMatrix';
    const C = this.classes;
    if (scores.rank < 2 || scores.shape[1] !== C) throw new ShapeError(`scores must be [N, ${C}, ...], got ${fmtShape(scores.shape)}`, op);
    const expected = [scores.shape[0]!, ...scores.shape.slice(2)];
    if (labels.rank !== expected.length || labels.shape.some((d, i) => d !== expected[i])) throw new ShapeError(`labels must have shape ${fmtShape(expected)} for scores ${fmtShape(scores.shape)}, got ${fmtShape(labels.shape)}`, op);
    if (labels.dtype !== 'int32') throw new DTypeError(`labels must be int32 class indices, got ${labels.dtype}`, op);
    const [predicted, invalid] = tidy(() =>
      noGrad(() => {
        const hasNaN = scores.ne(scores).sum(1).gt(0);
        return [scores.argmax(1).dataSync() as Int32Array, hasNaN.dataSync() as Uint8Array | Int32Array];
      }),
    );
    const truth = labels.dataSync() as Int32Array;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i]!;
      if (t === this.ignoreIndex) continue;
      if (t < 0 || t >= C) throw new ValueError(`labels hold class ${t} at position ${i}, but there are ${C} classes (valid: 0 to ${C - 1}, or ignoreIndex ${this.ignoreIndex})`, op);
      if (invalid[i]) this.missed[t]!++;
      else this.counts[t * C + predicted[i]!]!++;
    }
  }

  /** The four metrics; NaN while no pixel was counted. */
  scores(): SegmentationScores {
    const C = this.classes;
    let total = 0, correct = 0, accSum = 0, iuSum = 0, fw = 0, present = 0;
    const predictedAs = new Float64Array(C);
    for (let t = 0; t < C; t++) for (let p = 0; p < C; p++) predictedAs[p]! += this.counts[t * C + p]!;
    for (let t = 0; t < C; t++) {
      let row = this.missed[t]!;
      for (let p = 0; p < C; p++) row += this.counts[t * C + p]!;
      const hit = this.counts[t * C + t]!;
      total += row;
      correct += hit;
      if (row === 0) continue; // a class absent from the ground truth is left out of the means, as the paper's code does
      present++;
      const iu = hit / (row + predictedAs[t]! - hit);
      accSum += hit / row;
      iuSum += iu;
      fw += row * iu;
    }
    if (total === 0) return { pixelAccuracy: NaN, meanAccuracy: NaN, meanIU: NaN, frequencyWeightedIU: NaN };
    return { pixelAccuracy: correct / total, meanAccuracy: accSum / present, meanIU: iuSum / present, frequencyWeightedIU: fw / total };
  }
}

/**
 * The four metrics as one {@link Metric} for `fit` and `evaluate`: it
 * reports under `pixelAccuracy`, `meanAccuracy`, `meanIU` and
 * `frequencyWeightedIU` (`valMeanIU`, ... for validation data), and its
 * `result()` is the mean IU.
 */
export class SegmentationMetrics implements Metric {
  readonly name = 'meanIU';
  readonly matrix: ConfusionMatrix;

  constructor(classes: number, { ignoreIndex = 255 }: { ignoreIndex?: number } = {}) {
    this.matrix = new ConfusionMatrix(classes, ignoreIndex);
  }
  reset(): void {
    this.matrix.reset();
  }
  update(output: Tensor, target: Tensor): void {
    this.matrix.update(output, target);
  }
  result(): number {
    return this.matrix.scores().meanIU;
  }
  results(): Record<string, number> {
    return { ...this.matrix.scores() };
  }
}
