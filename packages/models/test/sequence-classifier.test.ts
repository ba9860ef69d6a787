import { describe, expect, it } from 'vitest';
import { crossEntropy } from '@nn/layers-core';
import { Adam } from '@nn/optim';
import { manualSeed, randint, tensor, tidy } from '@nn/tensor';
import { SequenceClassifier } from '../src/index.js';

describe('SequenceClassifier', () => {
  it('learns whether a token sequence contains token 1, reading padded sequences to their own ends', () => {
    manualSeed(4);
    const T = 8, N = 32;
    const make = () => {
      const ids = randint(2, 6, [T, N]).dataSync() as Int32Array;
      const lengths = Array.from(randint(3, T + 1, [N]).dataSync());
      const labels = new Int32Array(N);
      for (let n = 0; n < N; n++) {
        if (n % 2 === 0) ids[Math.floor((lengths[n]! - 1) / 2) * N + n] = 1;
        // Padding after the end may hold the marker too: the classifier must ignore it.
        if (n % 4 === 1 && lengths[n]! < T) ids[(T - 1) * N + n] = 1;
        labels[n] = n % 2 === 0 ? 1 : 0;
      }
      return { x: tensor(ids, [T, N], 'int32'), y: tensor(labels, [N], 'int32'), lengths };
    };
    const model = new SequenceClassifier(0, 2, { vocabSize: 6, cell: 'gru', hiddenSize: 16, bidirectional: true });
    const opt = new Adam(model.parameters(), { lr: 0.02 });
    for (let step = 0; step < 60; step++) {
      const { x, y, lengths } = make();
      tidy(() => crossEntropy(model.classify(x, lengths), y).backward());
      opt.step();
      opt.zeroGrad();
    }
    const test = make();
    const predicted = Array.from(tidy(() => model.classify(test.x, test.lengths).argmax(1)).dataSync());
    const truth = Array.from(test.y.dataSync());
    const accuracy = predicted.filter((p, i) => p === truth[i]).length / truth.length;
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(() => new SequenceClassifier(4, 1)).toThrow(/numClasses must be an integer >= 2/);
  });
});
