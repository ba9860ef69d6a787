import { describe, expect, it } from 'vitest';
import { grad, gradCheck } from '@nn/autograd';
import { Linear, Sequential, Flatten } from '@nn/layers-core';
import { arange, manualSeed, randn, ShapeError, tensor, type Tensor, ValueError } from '@nn/tensor';
import * as C from '../src/index.js';

manualSeed(22);
const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('pooling back-propagation, as the chapter computes it', () => {
  const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 4]]]]);

  it('max pooling picks each window maximum and records where it was', () => {
    const [y, idx] = C.maxPool2dWithIndices(x, 2);
    expect(y.toArray()).toEqual([[[[5, 8], [9, 7]]]]);
    expect(idx.toArray()).toEqual([[[[1, 6], [12, 11]]]]);
  });

  it('max pooling routes each gradient to the position of the maximum', () => {
    const dy = tensor([[[[10, 20], [30, 40]]]]);
    const dx = grad((t) => C.maxPool2d(t, 2).mul(dy).sum())(x);
    expect(dx.toArray()).toEqual([[[[0, 10, 0, 0], [0, 0, 20, 0], [0, 0, 0, 40], [30, 0, 0, 0]]]]);
  });

  it('average pooling spreads each gradient evenly over its window', () => {
    expect(C.avgPool2d(x, 2).toArray()).toEqual([[[[13 / 4, 11 / 4], [12 / 4, 20 / 4]]]]);
    const dy = tensor([[[[4, 8], [12, 16]]]]);
    const dx = grad((t) => C.avgPool2d(t, 2).mul(dy).sum())(x);
    expect(dx.toArray()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
  });

  it('maxUnpool2d(maxPool2d(x)) puts each maximum back in its place and zeros elsewhere', () => {
    const [y, idx] = C.maxPool2dWithIndices(x, 2);
    expect(C.maxUnpool2d(y, idx, 2).toArray()).toEqual([[[[0, 5, 0, 0], [0, 0, 8, 0], [0, 0, 0, 7], [9, 0, 0, 0]]]]);
    const unpool = new C.MaxUnpool2d(2);
    const [y2, idx2] = new C.MaxPool2d(2).forwardWithIndices(randn([2, 3, 6, 6]));
    expect(unpool.forward(y2, idx2).shape).toEqual([2, 3, 6, 6]);
  });

  it('avg pooling with padding: countIncludePad decides the divisor (PyTorch semantics)', () => {
    const ones = tensor([[[[1, 1], [1, 1]]]]);
    expect(C.avgPool2d(ones, 2, { stride: 1, padding: 1 }).toArray()).toEqual([[[[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]]]]);
    expect(C.avgPool2d(ones, 2, { stride: 1, padding: 1, countIncludePad: false }).toArray()).toEqual([[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
  });

  it('with overlapping windows (3x3, stride 2) a shared maximum is unpooled once, as PyTorch; max pooling\'s gradient sums there', () => {
    // 9 at (1, 2) is the maximum of both windows of the first row of outputs
    const x = tensor([[[
      [1, 2, 3, 0, 1],
      [0, 4, 9, 2, 0],
      [1, 0, 3, 5, 1],
    ]]]);
    const [y, idx] = C.maxPool2dWithIndices(x, 3, { stride: 2 });
    expect(y!.toArray()).toEqual([[[[9, 9]]]]);
    expect(idx!.toArray()).toEqual([[[[7, 7]]]]);
    const written = C.maxUnpool2d(y!, idx!, 3, { stride: 2, outputSize: [3, 5] });
    expect(written.toArray()).toEqual([[[[0, 0, 0, 0, 0], [0, 0, 9, 0, 0], [0, 0, 0, 0, 0]]]]);
    // unpooling's gradient gathers at the indices: both outputs read position 7
    const dIn = grad((v: Tensor) => C.maxUnpool2d(v, idx!, 3, { stride: 2, outputSize: [3, 5] }).mul(tensor([[[[0, 0, 0, 0, 0], [0, 0, 10, 0, 0], [0, 0, 0, 0, 0]]]])).sum())(y!) as Tensor;
    expect(dIn.toArray()).toEqual([[[[10, 10]]]]);
    // max pooling's gradient adds both windows' cotangents at the shared maximum
    const dx = grad((v: Tensor) => C.maxPool2d(v, 3, { stride: 2 }).mul(tensor([[[[1, 2]]]])).sum())(x) as Tensor;
    expect(dx.toArray()).toEqual([[[[0, 0, 0, 0, 0], [0, 0, 3, 0, 0], [0, 0, 0, 0, 0]]]]);
  });

  it('in ceil mode a window may be larger than the input, as in PyTorch (GoogLeNet on 15x15 input); otherwise that is an error', () => {
    const x = tensor([[[[1, 4], [3, 2]]]]);
    const [y, indices] = C.maxPool2dWithIndices(x, 3, { stride: 2, ceilMode: true });
    expect(y!.toArray()).toEqual([[[[4]]]]);
    expect(indices!.toArray()).toEqual([[[[1]]]]);
    // PyTorch's divisor: the window clipped to the input (and its padding)
    expect(C.avgPool2d(x, 3, { stride: 2, ceilMode: true }).toArray()).toEqual([[[[2.5]]]]);
    expect(() => C.maxPool2d(x, 3, { stride: 2 })).toThrow('maxPool2d: kernel 3x3 is larger than the padded input 2x2 (input [1,1,2,2], padding [0,0,0,0])');
  });

  it('ceil mode, stride, dilation: shapes and gradients', () => {
    const t = randn([2, 3, 7, 9]);
    expect(C.maxPool2d(t, 2).shape).toEqual([2, 3, 3, 4]);
    expect(C.maxPool2d(t, 2, { ceilMode: true }).shape).toEqual([2, 3, 4, 5]);
    expect(C.maxPool2d(t, 3, { stride: 2, padding: 1, dilation: 2 }).shape).toEqual([2, 3, 3, 4]);
    for (const opts of [{}, { stride: 1 }, { stride: 2, padding: 1 }, { ceilMode: true }, { dilation: 2, stride: 1 }]) {
      expect(gradCheck((v) => C.maxPool2d(v, 3, opts), [randn([1, 2, 7, 8])]).ok).toBe(true);
      const { dilation: _, ...avg } = opts as { dilation?: number };
      expect(gradCheck((v) => C.avgPool2d(v, 3, avg), [randn([1, 2, 7, 8])]).ok).toBe(true);
    }
    expect(gradCheck((v, i) => C.maxUnpool2d(v, i.cast('int32'), 2), [randn([1, 1, 2, 2]), tensor([[[[1, 6], [12, 11]]]])], { argnums: [0] }).ok).toBe(true);
  });

  it('adaptive and global average pooling', () => {
    const t = arange(16).reshape([1, 1, 4, 4]).cast('float32');
    expect(C.adaptiveAvgPool2d(t, 2).toArray()).toEqual(C.avgPool2d(t, 2).toArray());
    const odd = randn([2, 3, 7, 5]);
    const a = C.adaptiveAvgPool2d(odd, [3, 2]);
    expect(a.shape).toEqual([2, 3, 3, 2]);
    // Window for output row 0 of 3 over 7 rows: rows 0..2 (floor(0), ceil(7/3)=3); column 0 of 2 over 5: cols 0..2.
    const manual = odd.index(0, 0, [0, 3], [0, 3]).mean().item();
    expect(a.index(0, 0, 0, 0).item()).toBeCloseTo(manual, 5);
    expect(C.globalAvgPool2d(odd).shape).toEqual([2, 3, 1, 1]);
    expect(gradCheck((v) => C.adaptiveAvgPool2d(v, [3, 2]), [randn([1, 2, 7, 5])]).ok).toBe(true);
  });

  it('1-D pooling', () => {
    expect(C.maxPool1d(tensor([[[1, 3, 2, 5, 4, 0]]]), 2).toArray()).toEqual([[[3, 5, 4]]]);
    expect(C.avgPool1d(tensor([[[1, 3, 2, 6]]]), 2).toArray()).toEqual([[[2, 4]]]);
  });

  it('names the problem on bad input', () => {
    expect(() => C.maxPool2d(randn([4, 4]), 2)).toThrow('maxPool2d: input must be 4-D [N, C, H, W], got [4,4] (rank 2)');
    expect(() => C.maxPool2d(randn([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(ValueError);
    const [y] = C.maxPool2dWithIndices(randn([1, 2, 4, 4]), 2);
    const [, otherIdx] = C.maxPool2dWithIndices(randn([1, 2, 6, 6]), 2);
    expect(() => C.maxUnpool2d(y, otherIdx, 2)).toThrow(ShapeError);
    expect(() => C.maxUnpool2d(y, otherIdx, 2)).toThrow('maxUnpool2d: indices [1,2,3,3] do not match the input [1,2,2,2]: they must come from the pooling that produced it');
    const [, bigIdx] = C.maxPool2dWithIndices(randn([1, 2, 8, 8]), 4);
    expect(() => C.maxUnpool2d(y, bigIdx, 2)).toThrow(/outside the 16 positions of the output plane \(indices from a different pool\?\)/);
  });
});

describe('upsampling', () => {
  const t = tensor([[[[1, 2], [3, 4]]]]);
  it('nearest', () => {
    expect(C.interpolate(t, { scaleFactor: 2 }).toArray()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
  });
  it('bilinear with aligned corners', () => {
    const y = C.interpolate(t, { size: 3, mode: 'bilinear', alignCorners: true });
    expect(values(y)).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
  });
  it('bilinear without aligned corners (PyTorch: half-pixel centres, clamped)', () => {
    // PyTorch: F.interpolate([[1,2],[3,4]], scale_factor=2, mode='bilinear') rows: [1, 1.25, 1.75, 2], ...
    const y = C.interpolate(t, { scaleFactor: 2, mode: 'bilinear' }).toArray() as number[][][][];
    expect(y[0]![0]![0]).toEqual([1, 1.25, 1.75, 2]);
    expect(y[0]![0]![1]).toEqual([1.5, 1.75, 2.25, 2.5]);
    expect(y[0]![0]![3]).toEqual([3, 3.25, 3.75, 4]);
    expect(gradCheck((v) => C.interpolate(v, { size: [5, 3], mode: 'bilinear' }), [randn([1, 2, 3, 4])]).ok).toBe(true);
    expect(gradCheck((v) => C.interpolate(v, { scaleFactor: 2 }), [randn([1, 1, 2, 3])]).ok).toBe(true);
  });
  it('a non-integer scaleFactor maps coordinates with 1/scaleFactor, as PyTorch (recomputeScaleFactor: input/output size)', () => {
    // A ramp 0..4 in one row: bilinear samples equal their source coordinate.
    // PyTorch (recompute_scale_factor=None): src = (i + 0.5)/1.5 − 0.5, clamped at 0; with recompute, (i + 0.5)·5/7 − 0.5.
    const ramp = tensor([[[[0, 1, 2, 3, 4]]]]);
    const row = (y: Tensor) => (y.toArray() as number[][][][])[0]![0]![0]!;
    const src = (scale: number) => Array.from({ length: 7 }, (_, i) => Math.min(4, Math.max(0, (i + 0.5) * scale - 0.5)));
    const bilinear = row(C.interpolate(ramp, { scaleFactor: 1.5, mode: 'bilinear' }));
    expect(bilinear.length).toBe(7);
    bilinear.forEach((v, i) => expect(v).toBeCloseTo(src(1 / 1.5)[i]!, 5));
    expect(bilinear[2]).toBeCloseTo(7 / 6, 5);
    const recomputed = row(C.interpolate(ramp, { scaleFactor: 1.5, mode: 'bilinear', recomputeScaleFactor: true }));
    recomputed.forEach((v, i) => expect(v).toBeCloseTo(src(5 / 7)[i]!, 5));
    expect(recomputed[6]).toBe(4);
    // Nearest: src = floor(i / scaleFactor); 10 → 3 with factor 0.35 picks 0, 2, 5 (recomputed: 0, 3, 6).
    const ten = tensor([[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]]]);
    expect(row(C.interpolate(ten, { scaleFactor: [1, 0.35] }))).toEqual([0, 2, 5]);
    expect(row(C.interpolate(ten, { scaleFactor: [1, 0.35], recomputeScaleFactor: true }))).toEqual([0, 3, 6]);
    expect(() => C.interpolate(ten, { scaleFactor: 0.05 })).toThrow(/interpolate: scaleFactor 0.05 makes input \[1,1,1,10\] empty/);
    expect(() => C.interpolate(ten, { size: 3, scaleFactor: 2 })).toThrow(/not both/);
  });
  it('bilinearKernel in a ConvTranspose2d upsamples like bilinear interpolation in the interior', () => {
    const up = new C.ConvTranspose2d(1, 1, 4, { stride: 2, padding: 1, bias: false });
    up.weight.assign(C.bilinearKernel(1, 4));
    const ramp = arange(5).cast('float32').reshape([1, 1, 1, 5]).broadcastTo([1, 1, 5, 5]);
    const y = up.forward(ramp);
    expect(y.shape).toEqual([1, 1, 10, 10]);
    const row = values(y.index(0, 0, 4));
    // Interior samples of a linear ramp stay on the ramp: x/2 − 0.25.
    for (let j = 1; j < 9; j++) expect(row[j]).toBeCloseTo(j / 2 - 0.25, 5);
  });
});

describe('batch normalisation', () => {
  it('training normalises each channel over the batch and updates the running statistics', () => {
    const bn = new C.BatchNorm2d(3, { momentum: 0.5 });
    const x = randn([8, 3, 5, 5]).mul(tensor([1, 4, 0.5]).reshape([1, 3, 1, 1])).add(tensor([2, -1, 7]).reshape([1, 3, 1, 1]));
    const y = bn.forward(x);
    const m = values(y.mean([0, 2, 3]));
    const v = values(y.square().mean([0, 2, 3]));
    m.forEach((mu) => expect(mu).toBeCloseTo(0, 5));
    v.forEach((s) => expect(s).toBeCloseTo(1, 3));
    const batchMean = values(x.mean([0, 2, 3]));
    values(bn.runningMean!).forEach((r, i) => expect(r).toBeCloseTo(0.5 * batchMean[i]!, 5));
    const n = 8 * 25;
    const unbiased = values(x.sub(x.mean([0, 2, 3], true)).square().sum([0, 2, 3])).map((s) => s / (n - 1));
    values(bn.runningVar!).forEach((r, i) => expect(r).toBeCloseTo(0.5 + 0.5 * unbiased[i]!, 4));
  });

  it('evaluation uses the running statistics', () => {
    const bn = new C.BatchNorm1d(2);
    bn.runningMean!.assign(tensor([1, -1]));
    bn.runningVar!.assign(tensor([4, 9]));
    bn.eval();
    const y = bn.forward(tensor([[3, 2], [1, -1]]));
    values(y).forEach((v, i) => expect(v).toBeCloseTo([1, 1, 0, 0][i]!, 4));
    // PyTorch's five entries (num_batches_tracked is counted in training only)
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'runningMean', 'runningVar', 'numBatchesTracked']);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    bn.train().forward(tensor([[3, 2], [1, -1]]));
    expect(bn.numBatchesTracked!.item()).toBe(1);
    // a state dict from before the counter existed still loads
    const { numBatchesTracked: _, ...older } = bn.stateDict();
    new C.BatchNorm1d(2).loadStateDict(older);
  });

  it('gradients check in training mode', () => {
    expect(gradCheck((x, w, b) => C.batchNorm(x, null, null, w, b, { training: true }), [randn([4, 3, 2, 2]), randn([3]), randn([3])]).ok).toBe(true);
    expect(() => new C.BatchNorm2d(3).forward(randn([2, 4, 3, 3]))).toThrow('BatchNorm2d: expects input of rank 4 with 3 channels at dim 1, got [2,4,3,3]');
  });

  it('dropout2d drops whole channels', () => {
    manualSeed(5);
    const y = C.dropout2d(tensor(new Float32Array(200 * 16).fill(1), [200, 1, 4, 4]), 0.5);
    const perChannel = values(y.sum([2, 3]));
    expect(perChannel.every((s) => s === 0 || s === 32)).toBe(true);
    expect(C.dropout2d(randn([1, 2, 2, 2]), 0.5, false).shape).toEqual([1, 2, 2, 2]);
  });
});

describe("the chapter's worked example", () => {
  it('1x200x200 → 4 filters 5x5 → 4x196x196 → pool → 98x98 → 7 filters of 4x3x3 → 96x96 → pool → 48x48', () => {
    const net = new Sequential(new C.Conv2d(1, 4, 5), new C.MaxPool2d(2), new C.Conv2d(4, 7, 3), new C.MaxPool2d(2));
    const shapes: number[][] = [];
    let t = randn([1, 1, 200, 200]);
    for (const layer of net.layers) shapes.push([...(t = layer.forward(t)).shape]);
    expect(shapes).toEqual([[1, 4, 196, 196], [1, 4, 98, 98], [1, 7, 96, 96], [1, 7, 48, 48]]);
    const text = net.summary([1, 1, 200, 200]);
    expect(text).toMatch(/0 \(Conv2d\)\s+\[1,4,196,196\]\s+104/); // 4·25 weights + 4 biases
    expect(text).toMatch(/2 \(Conv2d\)\s+\[1,7,96,96\]\s+259/); // 7·4·9 weights + 7 biases
    expect((net.layers[2] as C.Conv2d).weight.shape).toEqual([7, 4, 3, 3]);
  });
});

describe('fully connected layers as convolutions', () => {
  it('linearToConv gives the same outputs as the original classifier', () => {
    const fc1 = new Linear(16 * 5 * 5, 120), fc2 = new Linear(120, 10);
    const features = randn([3, 16, 5, 5]);
    const dense = new Sequential(new Flatten(), fc1, new Flatten(), fc2).forward(features);
    const conv = new Sequential(C.linearToConv(fc1, [16, 5, 5]), C.linearToConv(fc2, [120, 1, 1])).forward(features);
    expect(conv.shape).toEqual([3, 10, 1, 1]);
    values(conv.reshape([3, 10])).forEach((v, i) => expect(v).toBeCloseTo(values(dense)[i]!, 4));
    // On a larger input the converted classifier slides: one score map per position.
    expect(new Sequential(C.linearToConv(fc1, [16, 5, 5]), C.linearToConv(fc2, [120, 1, 1])).forward(randn([1, 16, 9, 7])).shape).toEqual([1, 10, 5, 3]);
    expect(() => C.linearToConv(fc1, [16, 4, 4])).toThrow('linearToConv: input shape [16,4,4] has 256 features but the Linear layer reads 400');
  });
});

describe('max pooling without indices (inference)', () => {
  it('computes the same maxima with one output, and the gradient still works where autograd records', async () => {
    const { poolOps } = await import('@nn/tensor');
    const { noGrad } = await import('@nn/autograd');
    const x = randn([2, 3, 9, 11]);
    const [withIdx] = C.maxPool2dWithIndices(x, 3, { stride: 2, padding: 1 });
    const bare = noGrad(() => C.maxPool2d(x, 3, { stride: 2, padding: 1 }));
    expect(values(bare)).toEqual(values(withIdx!));
    const outs = poolOps.maxPool2d.run([x], { kernel: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1], ceilMode: false, indices: false });
    expect(outs.length).toBe(1);
    // under recording, maxPool2d asks for indices, so its gradient exists
    const g = grad((v: Tensor) => C.maxPool2d(v, 2).sum())(x) as Tensor;
    expect(values(g).reduce((s, v) => s + v, 0)).toBeCloseTo(2 * 3 * 4 * 5, 6);
    // the op run by hand without indices while recording has no gradient: a clear error
    expect(() => grad((v: Tensor) => poolOps.maxPool2d.run1([v], { kernel: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1], ceilMode: false, indices: false }).sum())(x)).toThrow(/indices: false/);
  });
});
