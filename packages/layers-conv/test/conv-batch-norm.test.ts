import { Sequential } from '@nn/layers-core';
import { ReLU } from '@nn/activations';
import { manualSeed, memory, randn, type Tensor, tidy } from '@nn/tensor';
import { noGrad } from '@nn/autograd';
import { beforeEach, describe, expect, it } from 'vitest';
import { BatchNorm2d, Conv2d, convBatchNorm } from '../src/index.js';

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync(), y = b.dataSync();
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

/** A batch norm with statistics and affine parameters away from their initial values. */
function trainedBatchNorm(C: number, options = {}): BatchNorm2d {
  const bn = new BatchNorm2d(C, options);
  bn.runningMean?.assign(randn([C]));
  bn.runningVar?.assign(randn([C]).abs().add(0.5));
  bn.weight?.assign(randn([C]));
  bn.bias?.assign(randn([C]));
  return bn.eval();
}

const unfused = (conv: Conv2d, bn: BatchNorm2d, x: Tensor, relu: boolean) => {
  const y = bn.call(conv.call(x));
  return relu ? y.relu() : y;
};

describe('convBatchNorm: a convolution and its batch norm as one folded convolution in evaluation', () => {
  beforeEach(() => manualSeed(5));

  it('gives the three ops\' output (bias or not, affine or not, groups, stride)', () => {
    const cases: [Conv2d, BatchNorm2d][] = [
      [new Conv2d(3, 8, 3, { padding: 1, bias: false }), trainedBatchNorm(8)],
      [new Conv2d(4, 6, 3, { stride: 2, groups: 2 }), trainedBatchNorm(6)],
      [new Conv2d(3, 5, 1), trainedBatchNorm(5, { affine: false })],
    ];
    for (const [conv, bn] of cases) {
      const x = randn([2, conv.inChannels, 9, 9]);
      for (const relu of [false, true]) {
        const got = noGrad(() => convBatchNorm(conv, bn, x, relu ? { op: 'relu' } : null));
        expect(maxDiff(got, noGrad(() => unfused(conv, bn, x, relu)))).toBeLessThan(1e-5);
      }
    }
  });

  it('refolds when a weight or a statistic changes, and keeps one fold per module', () => {
    const conv = new Conv2d(3, 4, 3, { bias: false }), bn = trainedBatchNorm(4);
    const x = randn([1, 3, 6, 6]);
    const first = noGrad(() => convBatchNorm(conv, bn, x));
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) tidy(() => noGrad(() => convBatchNorm(conv, bn, x)));
    expect(memory().numTensors).toBe(before);
    bn.runningMean!.assign(bn.runningMean!.add(1));
    conv.weight.assign(conv.weight.mul(2));
    const second = noGrad(() => convBatchNorm(conv, bn, x));
    expect(maxDiff(second, first)).toBeGreaterThan(0.1);
    expect(maxDiff(second, noGrad(() => unfused(conv, bn, x, false)))).toBeLessThan(1e-5);
  });

  it('is differentiable while recording: the same gradients as the three ops', () => {
    const conv = new Conv2d(2, 3, 3, { padding: 1 }), bn = trainedBatchNorm(3);
    const x = randn([2, 2, 5, 5]);
    const params = [conv.weight, conv.bias!, bn.weight!, bn.bias!];
    const gradients = (f: () => Tensor) => {
      for (const p of params) p.grad = null;
      f().square().sum().backward();
      return params.map((p) => p.grad!);
    };
    const fused = gradients(() => convBatchNorm(conv, bn, x, { op: 'relu' }));
    const plain = gradients(() => unfused(conv, bn, x, true));
    fused.forEach((g, i) => expect(maxDiff(g, plain[i]!)).toBeLessThan(1e-4 * Math.max(1, plain[i]!.abs().max().item())));
  });

  it('runs the three ops in training (running statistics updated) and where hooks must see their module', () => {
    const conv = new Conv2d(2, 3, 3), bn = new BatchNorm2d(3);
    const x = randn([4, 2, 6, 6]);
    convBatchNorm(conv, bn, x);
    expect(bn.runningMean!.abs().sum().item()).toBeGreaterThan(0);
    bn.eval();
    const seen: string[] = [];
    bn.registerForwardHook(() => void seen.push('bn'));
    noGrad(() => convBatchNorm(conv, bn, x));
    expect(seen).toEqual(['bn']);
  });

  it('Sequential(conv, bn, relu) folds in evaluation, and trains as the three modules', () => {
    const net = new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU());
    const x = randn([3, 3, 5, 5]);
    net.call(x);
    const [conv, bn] = net.layers as [Conv2d, BatchNorm2d];
    expect(bn.runningVar!.sub(1).abs().sum().item()).toBeGreaterThan(0);
    net.eval();
    expect(maxDiff(noGrad(() => net.call(x)), noGrad(() => unfused(conv, bn, x, true)))).toBeLessThan(1e-5);
  });
});
