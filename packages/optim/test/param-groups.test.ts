import { describe, expect, it } from 'vitest';
import { Parameter } from '@nn/layers-core';
import { NNError, tensor, type Tensor, ValueError } from '@nn/tensor';
import { Adam, AdamW, CosineAnnealingLR, ReduceLROnPlateau, SGD, StepLR } from '../src/index.js';

const param = (values: number[]) => new Parameter(tensor(values));
const setGrad = (p: Tensor, values: number[]) => {
  p.grad?.dispose();
  p.grad = tensor(values);
};
const values = (p: Tensor) => Array.from(p.dataSync());

describe('parameter groups', () => {
  it('update each group with its own hyperparameters, as separate optimizers would', () => {
    const [w, b] = [param([1, -2]), param([0.5])];
    const [w1, b1] = [param([1, -2]), param([0.5])];
    const grouped = new AdamW([{ params: [w] }, { params: [b], weightDecay: 0, lr: 0.1 }], { lr: 0.01, weightDecay: 0.2 });
    const alone = [new AdamW([w1], { lr: 0.01, weightDecay: 0.2 }), new AdamW([b1], { lr: 0.1, weightDecay: 0 })];
    for (let t = 0; t < 3; t++) {
      for (const [p, g] of [[w, [0.3, -0.1]], [b, [1]], [w1, [0.3, -0.1]], [b1, [1]]] as const) setGrad(p, [...g]);
      grouped.step();
      for (const o of alone) o.step();
    }
    expect(values(w)).toEqual(values(w1));
    expect(values(b)).toEqual(values(b1));
    expect(grouped.paramGroups.map((g) => [g.lr, g.weightDecay, g.beta1])).toEqual([[0.01, 0.2, 0.9], [0.1, 0, 0.9]]);
    expect(grouped.params).toEqual([w, b]);
  });

  it('lr reads the first group and sets every group; defaults stay as given', () => {
    const opt = new SGD([{ params: [param([1])] }, { params: [param([2])], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    expect(opt.lr).toBe(0.1);
    opt.lr = 0.03;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.03, 0.03]);
    expect(opt.defaults).toEqual({ lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
    expect(Object.isFrozen(opt.defaults)).toBe(true);
  });

  it('refuses duplicated parameters, empty groups, mixed lists and bad group hyperparameters, naming the optimizer', () => {
    const p = param([1]);
    expect(() => new SGD([{ params: [p] }, { params: [p] }])).toThrow('SGD: a parameter appears in more than one group (again in group 1)');
    expect(() => new SGD([{ params: [p] }, { params: [] }])).toThrow('SGD: parameter group 1 is empty');
    expect(() => new SGD([p, { params: [param([2])] }] as never)).toThrow(/not a mix/);
    expect(() => new SGD([{ params: [p], momentum: 2 }])).toThrow('SGD: momentum must be in [0, 1), got 2');
    expect(() => new Adam([{ params: [p], lr: -1 }])).toThrow(ValueError);
  });

  it('schedulers set each group from its own initial rate', () => {
    const opt = new SGD([{ params: [param([1])] }, { params: [param([2])], lr: 0.1 }], { lr: 1 });
    const step = new StepLR(opt, 1, 0.5);
    step.step();
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.5, 0.05]);
    const cosine = new CosineAnnealingLR(new SGD([{ params: [param([1])] }, { params: [param([2])], lr: 0.2 }], { lr: 1 }), 2, 0.1);
    cosine.step();
    cosine.optimizer.paramGroups.forEach((g, i) => expect(g.lr).toBeCloseTo([0.55, 0.15][i]!, 15));
    expect(cosine.baseLrs).toEqual([1, 0.2]);
    const plateau = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.1 });
    plateau.step(1);
    plateau.step(2);
    opt.paramGroups.forEach((g, i) => expect(g.lr).toBeCloseTo([0.05, 0.005][i]!, 15));
  });

  it('state dicts keep every group, and states from before groups still load', () => {
    const make = () => new SGD([{ params: [param([1])] }, { params: [param([2])], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    const a = make();
    a.paramGroups[1]!.lr = 0.25;
    const state = a.stateDict();
    expect(state.groups!.map((g) => g.lr)).toEqual([0.1, 0.25]);
    const b = make();
    b.loadStateDict(state);
    expect(b.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0], [0.25, 0.9]]);
    // a state saved before parameter groups: one set of hyperparameters, for every group
    b.loadStateDict({ kind: 'SGD', hyperparameters: { lr: 0.7, momentum: 0.5, dampening: 0, nesterov: false, weightDecay: 0 }, step: 3, tensors: {} });
    expect(b.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.7, 0.5], [0.7, 0.5]]);
    expect(() => new SGD([param([1])]).loadStateDict(state)).toThrow(NNError);
  });
});
