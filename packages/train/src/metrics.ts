/**
 * Metrics: accuracy and top-k accuracy, as functions and as accumulators
 * that `fit` and `evaluate` update batch by batch.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { fmtShape, ShapeError, type Tensor, tidy, ValueError } from '@nn/tensor';

/** Class indices from a target: int32 indices as they are, one-hot or probabilities by argmax. */
function targetClasses(output: Tensor, target: Tensor): Tensor {
  if (target.rank === output.rank) return target.argmax(-1);
  if (target.rank === output.rank - 1) return target.cast('int32');
  throw new ShapeError(`target ${fmtShape(target.shape)} does not fit output ${fmtShape(output.shape)}`, 'accuracy');
}

/** Number of rows whose true class is among the k highest scores (ties count in the prediction's favour). */
function correctInTopK(output: Tensor, target: Tensor, k: number): number {
  return tidy(() =>
    noGrad(() => {
      const classes = targetClasses(output, target);
      const C = output.shape[output.rank - 1]!;
      const trueScore = output.mul(classes.oneHot(C)).sum(-1, true);
      const better = output.gt(trueScore).sum(-1);
      return better.lt(k).sum().item();
    }),
  );
}

/** Fraction of rows whose argmax is the target class. */
export function accuracy(output: Tensor, target: Tensor): number {
  return correctInTopK(output, target, 1) / Math.max(1, output.size / output.shape[output.rank - 1]!);
}

/** Fraction of rows whose target class is among the k highest scores. */
export function topKAccuracy(output: Tensor, target: Tensor, k: number): number {
  return correctInTopK(output, target, k) / Math.max(1, output.size / output.shape[output.rank - 1]!);
}

/** A metric accumulated over batches. */
export interface Metric {
  /** The key it reports under (`accuracy`, `top5`). */
  readonly name: string;
  reset(): void;
  update(output: Tensor, target: Tensor): void;
  result(): number;
}

/** Accumulates top-k accuracy over batches (k = 1: accuracy). */
export class TopKAccuracy implements Metric {
  readonly name: string;
  private correct = 0;
  private total = 0;

  constructor(readonly k = 1) {
    if (!Number.isInteger(k) || k < 1) throw new ValueError(`k must be a positive integer, got ${k}`, 'TopKAccuracy');
    this.name = k === 1 ? 'accuracy' : `top${k}`;
  }
  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
  update(output: Tensor, target: Tensor): void {
    this.correct += correctInTopK(output, target, this.k);
    this.total += output.size / output.shape[output.rank - 1]!;
  }
  result(): number {
    return this.total === 0 ? NaN : this.correct / this.total;
  }
}

/** A metric given by name: `accuracy` or `topK` (e.g. `top5`). */
export type MetricSpec = Metric | 'accuracy' | `top${number}`;

/** Resolves metric specs to accumulators. */
export function resolveMetrics(specs: readonly MetricSpec[]): Metric[] {
  return specs.map((s) => {
    if (typeof s !== 'string') return s;
    if (s === 'accuracy') return new TopKAccuracy(1);
    const m = /^top(\d+)$/.exec(s);
    if (m) return new TopKAccuracy(Number(m[1]));
    throw new ValueError(`unknown metric '${s}' (use 'accuracy', 'top5', ... or a Metric object)`, 'fit');
  });
}
