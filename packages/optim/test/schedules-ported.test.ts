import { describe, expect, it } from 'vitest';
import { Parameter } from '@nn/layers-core';
import { tensor } from '@nn/tensor';
import { Adam, CosineAnnealingLR, CosineAnnealingWarmRestarts, LinearLR, OneCycleLR, PolynomialLR, SequentialLR, SGD } from '../src/index.js';

const opt = (lr = 1, momentum = 0) => new SGD([new Parameter(tensor([1]))], { lr, momentum });

/** The rate before any step, then after each of `n` steps. */
function trace(sched: { step(): void; optimizer: { lr: number } }, n: number): number[] {
  const out = [sched.optimizer.lr];
  for (let i = 0; i < n; i++) {
    sched.step();
    out.push(sched.optimizer.lr);
  }
  return out;
}

/**
 * PyTorch's chainable (recursive) `get_lr` forms, transcribed: each step
 * computes the new rate from the previous one. nn uses closed forms, so
 * agreement checks both.
 */
const torchRecursive = {
  cosine(base: number, etaMin: number, tMax: number, n: number): number[] {
    const out = [base];
    for (let e = 1; e <= n; e++) {
      const lr = out[e - 1]!;
      if ((e - 1 - tMax) % (2 * tMax) === 0) out.push(lr + ((base - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
      else out.push(((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (lr - etaMin) + etaMin);
    }
    return out;
  },
  linear(base: number, start: number, end: number, total: number, n: number): number[] {
    const out = [base * start];
    for (let e = 1; e <= n; e++) {
      const lr = out[e - 1]!;
      out.push(e > total ? lr : lr * (1 + (end - start) / (total * start + (e - 1) * (end - start))));
    }
    return out;
  },
  polynomial(base: number, total: number, power: number, n: number): number[] {
    const out = [base];
    for (let e = 1; e <= n; e++) {
      const lr = out[e - 1]!;
      out.push(e > total ? lr : lr * ((1 - e / total) / (1 - (e - 1) / total)) ** power);
    }
    return out;
  },
};

const close = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v, `step ${i}`).toBeCloseTo(b[i]!, 10));
};

describe('schedules ported from PyTorch', () => {
  it('CosineAnnealingLR keeps following the cosine past tMax (back up, then down again)', () => {
    const got = trace(new CosineAnnealingLR(opt(0.1), 4, 0.001), 12);
    close(got, torchRecursive.cosine(0.1, 0.001, 4, 12));
    expect(got[4]).toBeCloseTo(0.001, 12);
    expect(got[6]).toBeCloseTo(0.001 + (0.099 * (1 + Math.cos((Math.PI * 6) / 4))) / 2, 12);
    expect(got[8]).toBeCloseTo(0.1, 12);
  });

  it('LinearLR warms up from startFactor and holds at endFactor', () => {
    const o = opt(0.5);
    const s = new LinearLR(o, { startFactor: 0.25, totalIters: 4 });
    expect(o.lr).toBe(0.125); // set at construction, as in PyTorch: the first epoch trains warm
    close(trace(s, 7), torchRecursive.linear(0.5, 0.25, 1, 4, 7));
    close(trace(new LinearLR(opt(1), { startFactor: 1, endFactor: 0.5, totalIters: 2 }), 3), [1, 0.75, 0.5, 0.5]);
    expect(() => new LinearLR(opt(), { startFactor: 0 })).toThrow(/LinearLR: startFactor must be in \(0, 1\]/);
  });

  it('PolynomialLR decays to 0 at totalIters', () => {
    close(trace(new PolynomialLR(opt(0.2), 5, 2), 7), torchRecursive.polynomial(0.2, 5, 2, 7));
    expect(trace(new PolynomialLR(opt(1), 4, 1), 5)).toEqual([1, 0.75, 0.5, 0.25, 0, 0]);
  });

  it('CosineAnnealingWarmRestarts restarts after t0, t0·tMult, ... epochs', () => {
    const got = trace(new CosineAnnealingWarmRestarts(opt(1), 2, { tMult: 2 }), 8);
    // Periods [0, 2), [2, 6), [6, 14): restarts at 2 and 6.
    close(got, [1, 0.5, 1, (1 + Math.cos(Math.PI / 4)) / 2, 0.5, (1 + Math.cos((3 * Math.PI) / 4)) / 2, 1, (1 + Math.cos(Math.PI / 8)) / 2, (1 + Math.cos(Math.PI / 4)) / 2]);
    close(trace(new CosineAnnealingWarmRestarts(opt(1), 3, { etaMin: 0.1 }), 4), [1, 0.1 + 0.9 * 0.75, 0.1 + 0.9 * 0.25, 1, 0.1 + 0.9 * 0.75]);
    // Fractional epochs (PyTorch's step(epoch + i / iters)).
    const s = new CosineAnnealingWarmRestarts(opt(1), 2);
    expect(s.lrAt(0.5)).toBeCloseTo((1 + Math.cos(Math.PI / 4)) / 2, 12);
  });

  it('SequentialLR: a LinearLR warm-up, then cosine from the same base rate', () => {
    const o = opt(1);
    const warm = new LinearLR(o, { startFactor: 0.1, totalIters: 2 });
    const cos = new CosineAnnealingLR(o, 3);
    const s = new SequentialLR(o, [warm, cos], [2]);
    close(trace(s, 5), [0.1, 0.55, 1, 0.75, 0.25, 0]);
    expect(() => new SequentialLR(o, [warm, cos], [])).toThrow(/needs 1 milestones for 2 schedulers/);
    expect(() => new SequentialLR(opt(), [warm], [])).toThrow(/same optimizer/);
  });

  it('OneCycleLR: up to maxLr by pctStart, down to maxLr/(divFactor·finalDivFactor), momentum the other way', () => {
    const o = opt(123, 0.9);
    const s = new OneCycleLR(o, 1, { totalSteps: 10 });
    expect(s.interval).toBe('batch');
    const lr = trace(s, 9);
    // Rise over steps 0..2 (0.3·10 − 1), fall over 2..9, cosine annealing.
    expect(lr[0]).toBeCloseTo(0.04, 12);
    expect(lr[1]).toBeCloseTo(0.52, 12);
    expect(lr[2]).toBe(1);
    for (let k = 3; k <= 9; k++) expect(lr[k]).toBeCloseTo(4e-6 + ((1 - 4e-6) * (1 + Math.cos((Math.PI * (k - 2)) / 7))) / 2, 12);
    expect(lr[9]).toBeCloseTo(4e-6, 12);
    expect(o.paramGroups[0]!.momentum).toBeCloseTo(0.95, 12);
    expect(s.momentumAt(2)).toBeCloseTo(0.85, 12);
    // Adam's first beta cycles instead; linear annealing and three phases.
    const adam = new Adam([new Parameter(tensor([1]))]);
    const lin = new OneCycleLR(adam, 0.01, { epochs: 2, stepsPerEpoch: 5, annealStrategy: 'linear', threePhase: true });
    expect(adam.paramGroups[0]!.beta1).toBeCloseTo(0.95, 12);
    const three = trace(lin, 9);
    expect(three[2]).toBeCloseTo(0.01, 12);
    expect(three[4]).toBeCloseTo(0.0004, 12);
    expect(three[9]).toBeCloseTo(0.0004 / 1e4, 12);
    expect(() => new OneCycleLR(opt(), 1)).toThrow(/give totalSteps, or epochs and stepsPerEpoch/);
  });
});
