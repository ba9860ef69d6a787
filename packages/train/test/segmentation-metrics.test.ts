import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { crossEntropy } from '@nn/layers-core';
import { requiresGrad } from '@nn/autograd';
import { DTypeError, memory, ones, randn, ShapeError, tensor, tidy, ValueError, zeros } from '@nn/tensor';
import { ConfusionMatrix, SegmentationMetrics, segmentationGrid } from '../src/index.js';

/** One-hot scores [1, C, 1, P] that predict `pred` at each of P pixels. */
function scoresFor(pred: number[], C: number, nanAt: number[] = []) {
  const s = new Float32Array(C * pred.length);
  pred.forEach((p, i) => (s[p * pred.length + i] = 1));
  for (const i of nanAt) s[i] = NaN;
  return tensor(s, [1, C, 1, pred.length]);
}

describe('segmentation metrics (the FCN paper\'s four)', () => {
  it('match a hand-computed confusion matrix, ignored pixels left out', () => {
    // truth:     0 0 0 1 1 2 255
    // predicted: 0 0 1 1 2 2 0
    const m = new ConfusionMatrix(3);
    m.update(scoresFor([0, 0, 1, 1, 2, 2, 0], 3), tensor([[[0, 0, 0, 1, 1, 2, 255]]], undefined, 'int32'));
    const s = m.scores();
    // n_00 = 2, n_11 = 1, n_22 = 1 of t = (3, 2, 1): pixel acc 4/6
    expect(s.pixelAccuracy).toBeCloseTo(4 / 6, 12);
    expect(s.meanAccuracy).toBeCloseTo((2 / 3 + 1 / 2 + 1) / 3, 12);
    // IU_0 = 2/(3+2-2), IU_1 = 1/(2+2-1), IU_2 = 1/(1+2-1)
    const iu = [2 / 3, 1 / 3, 1 / 2];
    expect(s.meanIU).toBeCloseTo((iu[0]! + iu[1]! + iu[2]!) / 3, 12);
    expect(s.frequencyWeightedIU).toBeCloseTo((3 * iu[0]! + 2 * iu[1]! + 1 * iu[2]!) / 6, 12);
  });

  it('do not flatter: a constant background prediction and NaN scores score as badly as they are', () => {
    const truth = tensor([[[0, 0, 0, 0, 0, 0, 1, 2]]], undefined, 'int32');
    const constant = new SegmentationMetrics(3);
    constant.update(scoresFor([0, 0, 0, 0, 0, 0, 0, 0], 3), truth);
    const r = constant.results();
    expect(r.pixelAccuracy).toBeCloseTo(6 / 8, 12); // high, as the paper's pixel accuracy is on such data...
    expect(r.meanAccuracy).toBeCloseTo(1 / 3, 12); // ...but the means are not
    expect(r.meanIU).toBeCloseTo(6 / 8 / 3, 12);
    const nan = new ConfusionMatrix(3);
    nan.update(scoresFor([0, 0, 0, 0, 0, 0, 1, 2], 3, [0, 1, 2, 3, 4, 5, 6, 7]), truth); // every pixel has a NaN score
    expect(nan.scores()).toEqual({ pixelAccuracy: 0, meanAccuracy: 0, meanIU: 0, frequencyWeightedIU: 0 });
    expect(new ConfusionMatrix(3).scores().meanIU).toBeNaN();
  });

  it('accumulate over batches, and reject bad labels with typed errors', () => {
    const m = new SegmentationMetrics(2);
    m.update(scoresFor([0, 1], 2), tensor([[[0, 1]]], undefined, 'int32'));
    m.update(scoresFor([1, 1], 2), tensor([[[0, 1]]], undefined, 'int32'));
    expect(m.results().pixelAccuracy).toBe(3 / 4);
    expect(m.result()).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
    expect(() => m.update(scoresFor([0, 1], 2), tensor([[[0, 7]]], undefined, 'int32'))).toThrow('ConfusionMatrix: labels hold class 7 at position 1, but there are 2 classes (valid: 0 to 1, or ignoreIndex 255)');
    expect(() => m.update(scoresFor([0, 1], 2), tensor([[[0, 1, 1]]], undefined, 'int32'))).toThrow(ShapeError);
    expect(() => m.update(scoresFor([0, 1], 2), tensor([[[0, 1]]]))).toThrow(DTypeError);
  });
});

describe('per-pixel cross-entropy at segmentation sizes', () => {
  it('[N, C, H, W] logits against [N, H, W] labels, with ignoreIndex 255 and class weights, as the per-pixel definition', () => {
    const [N, C, H, W] = [2, 4, 16, 16];
    const logits = tensor(Float32Array.from({ length: N * C * H * W }, (_, i) => Math.sin(i * 0.37) * 3), [N, C, H, W]);
    const labels = Int32Array.from({ length: N * H * W }, (_, i) => (i % 7 === 0 ? 255 : (i * 5) % C));
    const weight = [0.5, 1, 2, 1.5];
    const x = logits.dataSync();
    let sum = 0, wsum = 0;
    for (let n = 0; n < N; n++) {
      for (let p = 0; p < H * W; p++) {
        const t = labels[n * H * W + p]!;
        if (t === 255) continue;
        const z = Array.from({ length: C }, (_, c) => x[(n * C + c) * H * W + p]!);
        const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
        sum += weight[t]! * (lse - z[t]!);
        wsum += weight[t]!;
      }
    }
    const loss = crossEntropy(logits, tensor(labels, [N, H, W], 'int32'), { ignoreIndex: 255, weight: tensor(weight) });
    expect(loss.item()).toBeCloseTo(sum / wsum, 5);
    expect(() => crossEntropy(logits, tensor(labels.map((v) => (v === 255 ? 9 : v)), [N, H, W], 'int32'), { ignoreIndex: 255 })).toThrow(ValueError);
    expect(() => crossEntropy(logits, zeros([N, H, W + 1], 'int32'))).toThrow(ShapeError);
  });

  it('holds no one-hot copy of the label map: forward and backward at VOC-like sizes stay within a few logits-sized tensors', () => {
    const [N, C, H, W] = [2, 21, 128, 128];
    const logitsBytes = N * C * H * W * 4;
    const labels = tensor(Int32Array.from({ length: N * H * W }, (_, i) => (i % 11 === 0 ? 255 : i % C)), [N, H, W], 'int32');
    const before = memory().bytes;
    const grad = tidy(() => {
      const logits = requiresGrad(randn([N, C, H, W]));
      const loss = crossEntropy(logits, labels, { ignoreIndex: 255, weight: ones([C]) });
      // The logits, their classes-last copy and the log-softmax: 3x. A float one-hot target (or its mask) would add 1x more.
      expect((memory().bytes - before) / logitsBytes).toBeLessThan(3.5);
      loss.backward();
      expect(logits.grad!.shape).toEqual([N, C, H, W]);
      // ...plus the gradient: 4x.
      expect((memory().bytes - before) / logitsBytes).toBeLessThan(4.5);
      return logits.grad!;
    });
    grad.dispose(); // gradients outlive tidy, as parameters' do
    expect(memory().bytes).toBe(before);
    labels.dispose();
  });
});

describe('segmentationGrid', () => {
  it('draws input, truth and predictions per row with a legend, as a PNG pngjs decodes', () => {
    const mask = tensor(Int32Array.from({ length: 64 }, (_, i) => i % 3), [8, 8], 'int32');
    const png = PNG.sync.read(segmentationGrid([{ image: zeros([1, 8, 8]), truth: mask, predictions: [mask, mask] }], { classes: ['bg', 'a', 'b'], columns: ['x', 'y'], zoom: 2 }));
    expect(png.height).toBeGreaterThan(16);
    expect(png.width).toBeGreaterThanOrEqual(6 + 4 * (16 + 6));
    expect(() => segmentationGrid([{ image: zeros([1, 8, 8]), predictions: [zeros([8, 9], 'int32')] }], { classes: ['bg'], columns: ['x'] })).toThrow(ShapeError);
  });
});
