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
    expect(() => crossEntropy(logits, idx([0, 3]))).toThrow('crossEntropy: target holds class 3 at position 1, but input [2,3] has 3 classes (valid: 0 to 2, or ignoreIndex -100)');
    expect(() => crossEntropy(logits, idx([-1, 0]))).toThrow(ValueError);
  });

  it('nllLoss of logSoftmax equals crossEntropy', () => {
    expect(nllLoss(logSoftmax(logits, 1), idx([2, 0])).item()).toBeCloseTo(crossEntropy(logits, idx([2, 0])).item(), 6);
  });
});

describe('class-index losses as PyTorch computes them', () => {
  const logits = tensor([[2, 1, 0.1], [0.5, 2.5, 0.3], [-1, 0, 1], [0.2, 0.2, 3]]);
  const rows = logits.toArray() as number[][];
  const nll = (r: number[], c: number) => Math.log(r.reduce((a, v) => a + Math.exp(v), 0)) - r[c]!;

  it('a −∞ logit (the masking idiom) gives PyTorch\'s 1.3133, and a finite gradient', () => {
    const x = tensor([[-Infinity, 1, 2]]);
    expect(crossEntropy(x, idx([1])).item()).toBeCloseTo(1.3133, 4);
    expect(crossEntropy(x, idx([1])).item()).toBeCloseTo(Math.log(1 + Math.E), 6);
    expect(nllLoss(logSoftmax(x, 1), idx([2])).item()).toBeCloseTo(Math.log(1 + Math.exp(-1)), 6);
    // Probability targets with zero mass on the masked class are fine too.
    expect(crossEntropy(x, tensor([[0, 1, 0]])).item()).toBeCloseTo(1.3133, 4);
    expect(hingeLoss(x, idx([1])).item()).toBeCloseTo(2 / 3, 6);
    expect(tensor([-Infinity, -Infinity]).logsumexp().item()).toBe(-Infinity);
    expect(tensor([Infinity, 1]).logsumexp().item()).toBe(Infinity);
    expect(tensor([[-Infinity, -Infinity], [0, Math.log(3)]]).logsumexp(1).toArray()).toEqual([-Infinity, expect.closeTo(Math.log(4), 6)]);
  });

  it('ignoreIndex leaves samples out of the loss and of the mean', () => {
    const target = idx([0, -100, 2, 2]);
    const want = (nll(rows[0]!, 0) + nll(rows[2]!, 2) + nll(rows[3]!, 2)) / 3;
    expect(crossEntropy(logits, target).item()).toBeCloseTo(want, 5);
    expect(crossEntropy(logits, idx([0, 5, 2, 2]), { ignoreIndex: 5 }).item()).toBeCloseTo(want, 5);
    const none = crossEntropy(logits, target, { reduction: 'none' }).toArray() as number[];
    expect(none[1]).toBe(0);
    expect(none[3]).toBeCloseTo(nll(rows[3]!, 2), 5);
    expect(crossEntropy(logits, target, { reduction: 'sum' }).item()).toBeCloseTo(want * 3, 4);
    // Every sample ignored: the mean is 0/0, NaN, as in PyTorch.
    expect(crossEntropy(logits, idx([-100, -100, -100, -100])).item()).toBeNaN();
  });

  it('weight rescales each class, and the mean divides by the weights used', () => {
    const w = [0.5, 2, 1];
    const target = [0, 1, 2, 1];
    const num = target.reduce((a, c, i) => a + w[c]! * nll(rows[i]!, c), 0);
    const den = target.reduce((a, c) => a + w[c]!, 0);
    expect(crossEntropy(logits, idx(target), { weight: tensor(w) }).item()).toBeCloseTo(num / den, 5);
    expect(crossEntropy(logits, idx(target), { weight: tensor(w), reduction: 'sum' }).item()).toBeCloseTo(num, 4);
    expect(nllLoss(logSoftmax(logits, 1), idx(target), { weight: tensor(w) }).item()).toBeCloseTo(num / den, 5);
    expect(() => crossEntropy(logits, idx(target), { weight: tensor([1, 2]) })).toThrow('crossEntropy: weight must have shape [3] (one per class of input [4,3]), got [2]');
  });

  it('label smoothing with class indices follows PyTorch\'s (1 − ε)·nll + ε/C·Σ −log p', () => {
    const eps = 0.2, target = [0, 1, 2, 1];
    const lsm = (r: number[]) => r.map((_, c) => -nll(r, c));
    const want = target.reduce((a, c, i) => a + (1 - eps) * nll(rows[i]!, c) - (eps / 3) * lsm(rows[i]!).reduce((x, y) => x + y, 0), 0) / 4;
    expect(crossEntropy(logits, idx(target), { labelSmoothing: eps }).item()).toBeCloseTo(want, 5);
  });

  it('segmentation maps: [N, C, H, W] logits with [N, H, W] labels and an ignored border', () => {
    const x = randn([2, 4, 3, 5]);
    const labels = tensor(Array.from({ length: 30 }, (_, i) => (i % 7 === 0 ? 255 : i % 4)), [2, 3, 5], 'int32');
    const flatX = x.permute([0, 2, 3, 1]).reshape([30, 4]);
    const flatT = labels.reshape([30]);
    expect(crossEntropy(x, labels, { ignoreIndex: 255 }).item()).toBeCloseTo(crossEntropy(flatX, flatT, { ignoreIndex: 255 }).item(), 5);
    expect(crossEntropy(x, labels, { ignoreIndex: 255, reduction: 'none' }).shape).toEqual([2, 3, 5]);
  });

  it('refuses float class indices instead of truncating them', () => {
    expect(() => crossEntropy(logits, tensor([0, 1, 2, 1.5]))).toThrow(/crossEntropy: target \[4\] holds class indices and must be int32, got float32/);
    expect(() => nllLoss(logits, tensor([0, 1, 2, 1]))).toThrow(/nllLoss: target \[4\] holds class indices and must be int32/);
    expect(() => hingeLoss(logits, tensor([0, 1, 2, 1]))).toThrow(/hingeLoss: target \[4\] holds class indices and must be int32/);
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
    ['crossEntropy weighted, ignoring a sample, smoothed', (x) => crossEntropy(x, idx([2, -100, 1, 2]), { weight: tensor([0.5, 2, 1], undefined, 'float64'), labelSmoothing: 0.1 })],
    ['crossEntropy none with ignored samples', (x) => crossEntropy(x, idx([2, 0, 7, 2]), { ignoreIndex: 7, reduction: 'none' }).mul(tensor([1, 2, 3, 4], undefined, 'float64')).sum()],
    ['crossEntropy with a −∞ logit', (x) => crossEntropy(x.add(tensor([[-Infinity, 0, 0], [0, 0, 0], [0, 0, -Infinity], [0, 0, 0]], undefined, 'float64')), labels)],
    ['nllLoss weighted', (x) => nllLoss(logSoftmax(x, 1), labels, { weight: tensor([1, 3, 0.5], undefined, 'float64') })],
    ['hingeLoss weighted', (x) => hingeLoss(x, labels, { weight: tensor([1, 3, 0.5], undefined, 'float64') })],
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
