import { describe, expect, it } from 'vitest';
import { full, tensor, zeros } from '@nn/tensor';
import { accuracy, resolveMetrics, topKAccuracy, TopKAccuracy } from '../src/index.js';

const scores = tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]);
const labels = tensor([1, 1, 2, 2], undefined, 'int32');

describe('metrics', () => {
  it('accuracy and top-k accuracy', () => {
    expect(accuracy(scores, labels)).toBe(0.5);
    expect(topKAccuracy(scores, labels, 2)).toBe(0.75);
    expect(topKAccuracy(scores, labels, 3)).toBe(1);
    expect(accuracy(scores, tensor([[0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]))).toBe(0.5);
  });

  it('accumulate over batches', () => {
    const m = new TopKAccuracy(1);
    m.update(scores.index([0, 2]), labels.index([0, 2]));
    m.update(scores.index([2, 4]), labels.index([2, 4]));
    expect(m.result()).toBe(0.5);
    m.reset();
    expect(m.result()).toBeNaN();
    expect(resolveMetrics(['accuracy', 'top5']).map((x) => x.name)).toEqual(['accuracy', 'top5']);
    expect(() => resolveMetrics(['f1' as never])).toThrow(/unknown metric 'f1'/);
  });
});

describe('metrics cannot flatter', () => {
  const targets = tensor([0, 3, 7, 9], undefined, 'int32');

  it('a constant model is right only where argmax (the first index) is the target', () => {
    expect(accuracy(zeros([4, 10]), targets)).toBe(0.25);
    expect(accuracy(zeros([4, 10]), tensor([1, 3, 7, 9], undefined, 'int32'))).toBe(0);
    // Top-k ranks ties by index too: classes 0..4 are the top 5 of a constant row.
    expect(topKAccuracy(zeros([4, 10]), targets, 5)).toBe(0.5);
  });

  it('NaN scores are never correct, even on the true class', () => {
    const nan = full([4, 10], NaN);
    expect(accuracy(nan, targets)).toBe(0);
    expect(topKAccuracy(nan, targets, 10)).toBe(0);
    const oneNaN = tensor([[NaN, 5, 1], [0, 5, 1]]);
    expect(accuracy(oneNaN, tensor([1, 1], undefined, 'int32'))).toBe(0.5);
  });

  it('ties resolve as argmax does, and -Infinity scores rank last', () => {
    const tied = tensor([[1, 3, 3], [1, 3, 3], [-Infinity, 2, -Infinity]]);
    expect(accuracy(tied, tensor([1, 2, 1], undefined, 'int32'))).toBeCloseTo(2 / 3);
    expect(accuracy(tied, tensor([1, 2, 1], undefined, 'int32'))).toBeCloseTo(tied.argmax(-1).eq(tensor([1, 2, 1], undefined, 'int32')).cast('float32').mean().item(), 6);
  });

  it('refuses float class indices and classes out of range', () => {
    expect(() => accuracy(zeros([2, 3]), tensor([0.5, 1]))).toThrow(/accuracy.*integers/);
    expect(() => accuracy(zeros([2, 3]), tensor([0, 3], undefined, 'int32'))).toThrow(/class 3 at row 1/);
  });
});
