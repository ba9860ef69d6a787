import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { randn, ShapeError, tensor, ValueError, type Tensor } from '@nn/tensor';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, hingeLoss, l1Loss, logSoftmax, mseLoss, nllLoss, smoothL1Loss } from '../src/index.js';

const idx = (v: number[]) => tensor(v, undefined, 'int32');

describe('regression losses', () => {
  const z = tensor([1, 2, 4]), t = tensor([1, 0, 1]);
  it('mseLoss: mean, sum, none and the textbook ½Σ(t−z)²', () => {
    expect(mseLoss(z, t).item()).toBeCloseTo(13 / 3, 5);
    expect(mseLoss(z, t, { reduction: 'sum' }).item()).toBe(13);
    expect(mseLoss(z, t, { reduction: 'none' }).toArray()).toEqual([0, 4, 9]);
    expect(mseLoss(z, t, { reduction: 'halfSum' }).item()).toBe(6.5);
  });
  it('l1Loss and smoothL1Loss', () => {
    expect(l1Loss(z, t).item()).toBeCloseTo(5 / 3, 5);
    // |d| = 0, 2, 3 with beta 1: 0, 1.5, 2.5
    expect(smoothL1Loss(z, t, { reduction: 'none' }).toArray()).toEqual([0, 1.5, 2.5]);
    expect(smoothL1Loss(tensor([0.5]), tensor([0]), { beta: 1 }).item()).toBeCloseTo(0.125, 6);
  });
  it('reject mismatched shapes instead of broadcasting', () => {
    expect(() => mseLoss(randn([4, 1]), randn([4]))).toThrow(ShapeError);
    expect(() => mseLoss(randn([4, 1]), randn([4]))).toThrow('mseLoss: input [4,1] and target [4] must have the same shape');
  });
});

describe('crossEntropy', () => {
  const logits = tensor([[2, 1, 0.1], [0.5, 2.5, 0.3]]);
  const reference = (rows: number[][], labels: number[]) =>
    rows.reduce((s, r, i) => s - (r[labels[i]!]! - Math.log(r.reduce((a, v) => a + Math.exp(v), 0))), 0) / rows.length;

  it('matches −log softmax at the label, averaged', () => {
    expect(crossEntropy(logits, idx([0, 1])).item()).toBeCloseTo(reference(logits.toArray() as number[][], [0, 1]), 5);
    expect(crossEntropy(logits, idx([0, 1]), { reduction: 'none' }).shape).toEqual([2]);
  });

  it('accepts probabilities, and label smoothing mixes in the uniform distribution', () => {
    const probs = tensor([[1, 0, 0], [0, 1, 0]]);
    expect(crossEntropy(logits, probs).item()).toBeCloseTo(crossEntropy(logits, idx([0, 1])).item(), 5);
    const eps = 0.1;
    const smoothed = probs.mul(1 - eps).add(eps / 3);
    expect(crossEntropy(logits, idx([0, 1]), { labelSmoothing: eps }).item()).toBeCloseTo(crossEntropy(logits, smoothed).item(), 5);
  });

  it('is stable for huge logits', () => {
    expect(crossEntropy(tensor([[1000, 0], [0, -1000]]), idx([0, 0])).item()).toBe(0);
    expect(crossEntropy(tensor([[1000, 0], [0, -1000]]), idx([1, 1])).item()).toBeCloseTo(1000, 3);
  });

  it('handles a class dim of 1 in [N, C, d] inputs', () => {
    const x = randn([2, 3, 4]);
    const t = idx([0, 1, 2, 0, 1, 1, 2, 0]).reshape([2, 4]);
    const flat = crossEntropy(x.permute([0, 2, 1]).reshape([8, 3]), t.reshape([8]));
    expect(crossEntropy(x, t).item()).toBeCloseTo(flat.item(), 5);
  });

  it('names a wrong label shape and a class out of range', () => {
    expect(() => crossEntropy(logits, idx([0, 1, 2]))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, idx([0, 1, 2]))).toThrow('crossEntropy: target has shape [3], but input [2,3] needs class indices of shape [2] or probabilities of shape [2,3]');
    expect(() => crossEntropy(logits, idx([0, 3]))).toThrow(ValueError);
    expect(() => crossEntropy(logits, idx([0, 3]))).toThrow('crossEntropy: target holds class 3 at position 1, but input [2,3] has 3 classes (valid: 0 to 2)');
    expect(() => crossEntropy(logits, idx([-1, 0]))).toThrow(ValueError);
  });

  it('nllLoss of logSoftmax equals crossEntropy', () => {
    expect(nllLoss(logSoftmax(logits, 1), idx([2, 0])).item()).toBeCloseTo(crossEntropy(logits, idx([2, 0])).item(), 6);
  });
});

describe('binary and hinge losses', () => {
  it('binaryCrossEntropy matches the formula and clamps log(0)', () => {
    const p = tensor([0.9, 0.2]), t = tensor([1, 0]);
    expect(binaryCrossEntropy(p, t).item()).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 5);
    expect(binaryCrossEntropy(tensor([0]), tensor([1])).item()).toBe(100);
  });

  it('binaryCrossEntropyWithLogits equals BCE of the sigmoid and is stable', () => {
    const x = tensor([-3, 0.5, 2]), t = tensor([0, 1, 1]);
    expect(binaryCrossEntropyWithLogits(x, t).item()).toBeCloseTo(binaryCrossEntropy(x.sigmoid(), t).item(), 5);
    expect(binaryCrossEntropyWithLogits(tensor([1000]), tensor([0])).item()).toBeCloseTo(1000, 3);
  });

  it('hingeLoss is PyTorch multi_margin_loss', () => {
    // sample: x = [0.1, 0.2, 0.4, 0.8], y = 3: (max(0, 1−0.8+0.1) + max(0, 1−0.8+0.2) + max(0, 1−0.8+0.4)) / 4 = 0.325
    expect(hingeLoss(tensor([[0.1, 0.2, 0.4, 0.8]]), idx([3])).item()).toBeCloseTo(0.325, 6);
    expect(hingeLoss(tensor([[5, 0, 0]]), idx([0])).item()).toBe(0);
    expect(() => hingeLoss(tensor([1, 2]), idx([0]))).toThrow(ShapeError);
  });
});

describe('loss gradients (gradCheck)', () => {
  const labels = idx([2, 0, 1, 2]);
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['crossEntropy', (x) => crossEntropy(x, labels)],
    ['crossEntropy smoothed', (x) => crossEntropy(x, labels, { labelSmoothing: 0.2 })],
    ['nllLoss', (x) => nllLoss(logSoftmax(x, 1), labels)],
    ['hingeLoss p=2', (x) => hingeLoss(x, labels, { p: 2 })],
    ['binaryCrossEntropyWithLogits', (x) => binaryCrossEntropyWithLogits(x, tensor([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]], undefined, 'float64'))],
    ['binaryCrossEntropy', (x) => binaryCrossEntropy(x.sigmoid(), tensor([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]], undefined, 'float64'))],
    ['mseLoss halfSum', (x) => mseLoss(x, x.mul(0).add(0.5), { reduction: 'halfSum' })],
    ['smoothL1Loss', (x) => smoothL1Loss(x, x.mul(0).add(0.3))],
  ];
  for (const [name, f] of cases) {
    it(name, () => {
      const r = gradCheck(f, [randn([4, 3])], { tolerance: 1e-5 });
      expect(r.ok, JSON.stringify(r.maxRelativeError)).toBe(true);
    });
  }
});
