import { describe, expect, it } from 'vitest';
import { requiresGrad } from '@nn/autograd';
import { Parameter } from '@nn/layers-core';
import { keep, memory, NNError, tensor, tidy, ValueError } from '@nn/tensor';
import { Adagrad, Adam, AdamW, type Optimizer, RMSProp, SGD } from '../src/index.js';

/** f(p) = Σ c_i p_i² / 2 + p_i, gradient c_i p_i + 1: different curvature per coordinate. */
const c = [1, 3, 0.5];
const gradAt = (p: number[]) => p.map((v, i) => c[i]! * v + 1);
const start = [1, -2, 0.5];

function run(make: (params: Parameter[]) => Optimizer, steps: number): number[] {
  const p = new Parameter(tensor(start));
  const opt = make([p]);
  for (let s = 0; s < steps; s++) {
    tidy(() => p.square().mul(tensor(c)).mul(0.5).add(p).sum().backward());
    opt.step();
    opt.zeroGrad();
  }
  return Array.from(p.dataSync());
}

/** Scalar reference implementations of PyTorch's update rules. */
function reference(kind: string, steps: number, h: Record<string, number>): number[] {
  let p = [...start];
  const z = () => p.map(() => 0);
  let b = z(), m = z(), v = z(), vmax = z(), gAvg = z(), sum = p.map(() => h.init ?? 0);
  for (let t = 1; t <= steps; t++) {
    let g = gradAt(p);
    if (h.wd && kind !== 'adamw') g = g.map((gi, i) => gi + h.wd! * p[i]!);
    if (kind === 'sgd') {
      if (h.momentum) {
        b = t === 1 ? [...g] : b.map((bi, i) => h.momentum! * bi + (1 - (h.dampening ?? 0)) * g[i]!);
        g = h.nesterov ? g.map((gi, i) => gi + h.momentum! * b[i]!) : b;
      }
      p = p.map((pi, i) => pi - h.lr! * g[i]!);
    } else if (kind === 'adam' || kind === 'adamw') {
      if (kind === 'adamw') p = p.map((pi) => pi * (1 - h.lr! * h.wd!));
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]!);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i]! ** 2);
      vmax = vmax.map((x, i) => Math.max(x, v[i]!));
      const second = h.amsgrad ? vmax : v;
      p = p.map((pi, i) => pi - (h.lr! / (1 - 0.9 ** t)) * (m[i]! / (Math.sqrt(second[i]! / (1 - 0.999 ** t)) + 1e-8)));
    } else if (kind === 'rmsprop') {
      v = v.map((vi, i) => 0.99 * vi + 0.01 * g[i]! ** 2);
      let denom = v.map(Math.sqrt);
      if (h.centered) {
        gAvg = gAvg.map((a, i) => 0.99 * a + 0.01 * g[i]!);
        denom = v.map((vi, i) => Math.sqrt(vi - gAvg[i]! ** 2));
      }
      const step = g.map((gi, i) => gi / (denom[i]! + 1e-8));
      if (h.momentum) {
        b = b.map((bi, i) => h.momentum! * bi + step[i]!);
        p = p.map((pi, i) => pi - h.lr! * b[i]!);
      } else p = p.map((pi, i) => pi - h.lr! * step[i]!);
    } else if (kind === 'adagrad') {
      sum = sum.map((s, i) => s + g[i]! ** 2);
      const clr = h.lr! / (1 + (t - 1) * (h.lrDecay ?? 0));
      p = p.map((pi, i) => pi - (clr * g[i]!) / (Math.sqrt(sum[i]!) + 1e-10));
    }
  }
  return p;
}

const cases: [string, (ps: Parameter[]) => Optimizer, string, Record<string, number>][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.1 }), 'sgd', { lr: 0.1 }],
  ['SGD momentum + dampening', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1 }), 'sgd', { lr: 0.1, momentum: 0.9, dampening: 0.1 }],
  ['SGD Nesterov + weight decay', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1 }), 'sgd', { lr: 0.05, momentum: 0.8, nesterov: 1, wd: 0.1 }],
  ['Adam', (ps) => new Adam(ps, { lr: 0.1 }), 'adam', { lr: 0.1 }],
  ['Adam amsgrad + L2', (ps) => new Adam(ps, { lr: 0.1, amsgrad: true, weightDecay: 0.05 }), 'adam', { lr: 0.1, amsgrad: 1, wd: 0.05 }],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0.1 }), 'adamw', { lr: 0.1, wd: 0.1 }],
  ['RMSProp', (ps) => new RMSProp(ps, { lr: 0.01 }), 'rmsprop', { lr: 0.01 }],
  ['RMSProp centered + momentum', (ps) => new RMSProp(ps, { lr: 0.01, centered: true, momentum: 0.5 }), 'rmsprop', { lr: 0.01, centered: 1, momentum: 0.5 }],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.5, lrDecay: 0.01, initialAccumulatorValue: 0.1 }), 'adagrad', { lr: 0.5, lrDecay: 0.01, init: 0.1 }],
];

describe('optimizers follow the PyTorch update rules', () => {
  for (const [name, make, kind, h] of cases) {
    it(name, () => {
      const got = run(make, 7);
      reference(kind, 7, h).forEach((want, i) => expect(got[i]).toBeCloseTo(want, 4));
    });
  }
});

describe('optimizer state', () => {
  it('stateDict lets training resume exactly', () => {
    for (const [name, make] of cases) {
      const straight = run(make, 10);
      const p = new Parameter(tensor(start));
      const opt = make([p]);
      const step = (o: Optimizer) => {
        tidy(() => p.square().mul(tensor(c)).mul(0.5).add(p).sum().backward());
        o.step();
        o.zeroGrad();
      };
      for (let s = 0; s < 4; s++) step(opt);
      const saved = opt.stateDict();
      const snapshot = Object.fromEntries(Object.entries(saved.tensors).map(([k, t]) => [k, keep(t.clone())]));
      const resumed = make([p]);
      resumed.loadStateDict({ ...saved, tensors: snapshot });
      for (let s = 0; s < 6; s++) step(resumed);
      expect(Array.from(p.dataSync()), name).toEqual(straight);
    }
  });

  it('rejects a state from another optimizer or for other parameters', () => {
    const p = new Parameter(tensor([1, 2]));
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
    expect(() => new Adam([p]).loadStateDict(sgd.stateDict())).toThrow('loadStateDict: the state is from SGD, not Adam');
    tidy(() => p.sum().backward());
    sgd.step();
    const state = sgd.stateDict();
    const q = new Parameter(tensor([1, 2, 3]));
    expect(() => new SGD([q], { lr: 0.1, momentum: 0.9 }).loadStateDict(state)).toThrow(NNError);
  });

  it('steps leak no tensors', () => {
    const p = new Parameter(tensor([1, 2, 3]));
    const opt = new Adam([p], { lr: 0.01, amsgrad: true });
    const step = () => {
      tidy(() => p.square().sum().backward());
      opt.step();
      opt.zeroGrad();
    };
    step();
    const before = memory().tensors;
    for (let i = 0; i < 100; i++) step();
    expect(memory().tensors).toBe(before);
  });

  it('skips parameters without a gradient and validates hyperparameters', () => {
    const p = requiresGrad(tensor([1]));
    new SGD([p], { lr: 1 }).step();
    expect(p.item()).toBe(1);
    expect(() => new SGD([p], { lr: -1 })).toThrow(ValueError);
    expect(() => new SGD([p], { momentum: 1 })).toThrow('SGD: momentum must be in [0, 1), got 1');
    expect(() => new SGD([p], { nesterov: true })).toThrow(/Nesterov momentum needs momentum > 0/);
    expect(() => new Adam([p], { betas: [1, 0.9] })).toThrow(/betas\[0\] must be in \[0, 1\)/);
    expect(() => new SGD([])).toThrow(/empty parameter list/);
  });
});
