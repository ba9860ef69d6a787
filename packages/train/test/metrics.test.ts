import { describe, expect, it } from 'vitest';
import { tensor } from '@nn/tensor';
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
