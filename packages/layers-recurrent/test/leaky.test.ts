import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { manualSeed, randn, tensor, type Tensor, ValueError } from '@nn/tensor';
import { Parameter } from '@nn/layers-core';
import { RNN, RNNCell } from '../src/index.js';

const close = (a: Tensor, b: Tensor, tol = 1e-6) => {
  const x = a.dataSync(), y = b.dataSync();
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(tol));
};

describe('leaky units on the Elman cell', () => {
  it('s_t = (1 − α) s_{t−1} + α tanh(a_t)', () => {
    manualSeed(3);
    const plain = new RNNCell(3, 4);
    const leaky = new RNNCell(3, 4, { leak: 0.2 });
    leaky.loadStateDict(plain.stateDict());
    const x = randn([2, 3]), s = randn([2, 4]);
    close(leaky.forward(x, s), s.mul(0.8).add(plain.forward(x, s).mul(0.2)));
    expect(leaky.timeConstants()[0]).toBeCloseTo(5, 5);
  });

  it('a leaky unit keeps a memory that decays as (1 − α)^t with no input', () => {
    const cell = new RNNCell(1, 1, { leak: 0.1, bias: false });
    cell.weightIh.assign(tensor([[0]]));
    cell.weightHh.assign(tensor([[0]]));
    let s = tensor([[1]]);
    for (let t = 0; t < 10; t++) s = cell.forward(tensor([[0]]), s);
    expect(s.item()).toBeCloseTo(0.9 ** 10, 6);
  });

  it('learned per-unit time constants get gradients and pass gradCheck', () => {
    manualSeed(4);
    const layer = new RNN(2, 3, { leak: 0.5, learnLeak: true });
    const cell = layer.cells[0] as RNNCell;
    expect(cell.leakLogit!.shape).toEqual([3]);
    expect(layer.torchKeys()).toMatchObject({ 'cells.0.leakLogit': 'leak_logit_l0' });
    expect(cell.timeConstants().map((t) => Math.round(t * 1e6) / 1e6)).toEqual([2, 2, 2]);
    const x = randn([6, 2, 2], { dtype: 'float64' });
    const logit = randn([3], { dtype: 'float64' });
    // The cell in float64, its leak logits the checked input.
    const c = new RNNCell(2, 3, { leak: 0.5, learnLeak: true });
    c.weightIh = new Parameter(c.weightIh.cast('float64'));
    c.weightHh = new Parameter(c.weightHh.cast('float64'));
    c.biasIh = new Parameter(c.biasIh!.cast('float64'));
    c.biasHh = new Parameter(c.biasHh!.cast('float64'));
    const check = gradCheck((l, w) => {
      c.leakLogit = l as Parameter;
      c.weightHh = w as Parameter;
      let s = tensor(new Float64Array(6), [2, 3]);
      for (let t = 0; t < 6; t++) s = c.stepProjected(c.inputProjection(x.index(t)), s);
      return s;
    }, [logit, c.weightHh]);
    expect(check.ok, JSON.stringify(check)).toBe(true);
    layer.forward(x.cast('float32')).sum().backward();
    expect(cell.leakLogit!.grad!.abs().sum().item()).toBeGreaterThan(0);
  });

  it('bad leak rates are typed errors', () => {
    expect(() => new RNNCell(2, 2, { leak: 0 })).toThrow(ValueError);
    expect(() => new RNNCell(2, 2, { leak: 1.5 })).toThrow(ValueError);
    expect(() => new RNNCell(2, 2, { learnLeak: true })).toThrow(/starts below 1/);
  });
});
