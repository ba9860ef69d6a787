/**
 * Metrics: accuracy and top-k accuracy, as functions and as accumulators
 * that `fit` and `evaluate` update batch by batch.
 *
 * A row is ranked as `argmax` ranks it: by score, ties to the lower class
 * index. A row with a NaN score is never correct, so a model that outputs
 * constants or NaN scores as badly as it is.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { arange, DTypeError, fmtShape, isFloat, ShapeError, type Tensor, tidy, ValueError } from '@nn/tensor';

/** Class indices from a target: int32 indices as they are, one-hot or probabilities by argmax. */
function targetClasses(output: Tensor, target: Tensor): Tensor {
  if (target.rank === output.rank) return target.argmax(-1);
  if (target.rank === output.rank - 1) {
    if (isFloat(target.dtype)) {
      const whole = target.eq(target.floor()).logicalNot().sum().item() === 0;
      if (!whole) throw new DTypeError(`target ${fmtShape(target.shape)} holds class indices, which must be integers (int32), got non-integer ${target.dtype} values`, 'accuracy');
    }
    return target.cast('int32');
  }
  throw new ShapeError(`target ${fmtShape(target.shape)} does not fit output ${fmtShape(output.shape)}`, 'accuracy');
}

/**
 * Number of rows whose true class ranks among the first k: fewer than k
 * classes score higher, counting equal scores at lower indices as higher
 * (the order `argmax` uses). Rows with a NaN anywhere never count.
 */
function correctInTopK(output: Tensor, target: Tensor, k: number): number {
  return tidy(() =>
    noGrad(() => {
      const C = output.shape[output.rank - 1]!;
      if (C === 0) throw new ShapeError(`output ${fmtShape(output.shape)} has no classes`, 'accuracy');
      const classes = targetClasses(output, target).reshape([-1]);
      const scores = output.reshape([-1, C]);
      const rows = scores.shape[0]!;
      const values = classes.dataSync();
      for (let i = 0; i < values.length; i++) {
        if (values[i]! < 0 || values[i]! >= C) throw new ValueError(`target holds class ${values[i]} at row ${i}, but output has ${C} classes`, 'accuracy');
      }
      const flatIndex = arange(0, rows * C, C, 'int32').add(classes);
      const trueScore = scores.reshape([-1]).gather(flatIndex).reshape([rows, 1]);
      const lowerIndex = arange(0, C, 1, 'int32').reshape([1, C]).lt(classes.reshape([rows, 1]));
      const ahead = scores.gt(trueScore).logicalOr(scores.eq(trueScore).logicalAnd(lowerIndex)).sum(-1);
      const hasNaN = scores.ne(scores).sum(-1).gt(0);
      return ahead.lt(k).logicalAnd(hasNaN.logicalNot()).sum().item();
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
  /** Several values at once, logged under their own keys instead of `name` (the segmentation metrics). */
  results?(): Record<string, number>;
}

/** What a metric logs: its `results()`, or its `result()` under its name. */
export function metricValues(metric: Metric): Record<string, number> {
  return metric.results ? metric.results() : { [metric.name]: metric.result() };
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
