import { describe, expect, it } from 'vitest';
import { Parameter } from '@nn/layers-core';
import { tensor } from '@nn/tensor';
import { CosineAnnealingLR, ExponentialLR, ReduceLROnPlateau, SGD, StepLR, clipGradNorm, clipGradValue, l1Penalty, l2Penalty } from '../src/index.js';

const opt = (lr = 1) => new SGD([new Parameter(tensor([1]))], { lr });
const lrs = (sched: { step(): void; optimizer: { lr: number } }, n: number) =>
  Array.from({ length: n }, () => {
    sched.step();
    return sched.optimizer.lr;
  });

describe('schedulers', () => {
  it('StepLR, ExponentialLR, CosineAnnealingLR', () => {
    expect(lrs(new StepLR(opt(), 2, 0.5), 5)).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
    lrs(new ExponentialLR(opt(), 0.9), 3).forEach((v, i) => expect(v).toBeCloseTo(0.9 ** (i + 1), 10));
    const cos = lrs(new CosineAnnealingLR(opt(2), 4, 0), 4);
    [1 + Math.cos(Math.PI / 4), 1, 1 - Math.cos(Math.PI / 4), 0].forEach((v, i) => expect(cos[i]).toBeCloseTo(v, 10));
  });

  it('ReduceLROnPlateau reduces after patience epochs without improvement', () => {
    const o = opt(1);
    const s = new ReduceLROnPlateau(o, { patience: 1, factor: 0.5 });
    for (const loss of [1, 0.9, 0.95, 0.95, 0.95, 0.95]) s.step(loss);
    expect(o.lr).toBe(0.25);
  });

  it('scheduler state round-trips', () => {
    const s = new StepLR(opt(), 1, 0.5);
    s.step();
    s.step();
    const t = new StepLR(opt(), 1, 0.5);
    t.loadStateDict(s.stateDict());
    expect(t.optimizer.lr).toBe(0.25);
  });
});

describe('clipping and penalties', () => {
  it('clipGradNorm scales all gradients to the max norm and returns the old norm', () => {
    const a = new Parameter(tensor([3, 0])), b = new Parameter(tensor([4]));
    a.grad = tensor([3, 0]);
    b.grad = tensor([4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(Array.from(a.grad.dataSync()).map((v) => +v.toFixed(5))).toEqual([0.6, 0]);
    expect(b.grad.item()).toBeCloseTo(0.8, 5);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 4);
    expect(b.grad.item()).toBeCloseTo(0.8, 5);
  });

  it('clipGradValue clamps elementwise', () => {
    const a = new Parameter(tensor([0, 0, 0]));
    a.grad = tensor([-5, 0.5, 5]);
    clipGradValue([a], 1);
    expect(Array.from(a.grad.dataSync())).toEqual([-1, 0.5, 1]);
  });

  it('l1Penalty and l2Penalty', () => {
    const p = [new Parameter(tensor([1, -2])), new Parameter(tensor([3]))];
    expect(l1Penalty(p, 0.1).item()).toBeCloseTo(0.6, 6);
    expect(l2Penalty(p, 0.1).item()).toBeCloseTo(0.7, 6);
  });
});
