import { describe, expect, it } from 'vitest';
import { grad, gradCheck } from '@nn/autograd';
import { manualSeed, randn, ShapeError, tensor, type Tensor, ValueError } from '@nn/tensor';
import { addingProblem } from '@nn/data';
import { Linear } from '@nn/layers-core';
import { IndRNN, IndRNNCell, indRnnCellUpdate, RNN } from '../src/index.js';

manualSeed(5);
const f64 = (shape: number[]) => randn(shape, { dtype: 'float64' });

/** The paper's equation in plain ops: h' = f(xp + u ⊙ h). */
function reference(xp: Tensor, u: Tensor, h: Tensor, f: 'relu' | 'tanh'): Tensor {
  const a = xp.add(h.mul(u));
  return f === 'relu' ? a.relu() : a.tanh();
}

const close = (a: Tensor, b: Tensor, tol = 1e-12) => {
  const x = a.dataSync(), y = b.dataSync();
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(tol));
};

describe('IndRNN (diagonal self-feedback)', () => {
  it('the fused step equals the equation, for relu and tanh', () => {
    const xp = f64([3, 7]), u = f64([7]), h = f64([3, 7]);
    for (const f of ['relu', 'tanh'] as const) close(indRnnCellUpdate(xp, u, h, f), reference(xp, u, h, f));
  });

  it('the fused step passes gradCheck in all three inputs', () => {
    for (const f of ['relu', 'tanh'] as const) {
      const r = gradCheck((xp, u, h) => indRnnCellUpdate(xp, u, h, f), [f64([4, 5]), f64([5]), f64([4, 5])]);
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
  });

  it('the fused backward equals the gradient of the equation, and grads of grads work', () => {
    const xp = f64([2, 6]), u = f64([6]), h = f64([2, 6]), w = f64([2, 6]);
    const loss = (step: (a: Tensor, b: Tensor, c: Tensor) => Tensor) => (a: Tensor, b: Tensor, c: Tensor) => step(a, b, c).mul(w).sum();
    const fused = grad(loss((a, b, c) => indRnnCellUpdate(a, b, c, 'tanh')), [0, 1, 2])(xp, u, h);
    const plain = grad(loss((a, b, c) => reference(a, b, c, 'tanh')), [0, 1, 2])(xp, u, h);
    fused.forEach((g, i) => close(g, plain[i]!));
    // Second order: d/du of the squared gradient norm, through the backward op's composite.
    const second = (step: (a: Tensor, b: Tensor, c: Tensor) => Tensor) => grad((b: Tensor) => grad(loss(step), 2)(xp, b, h).square().sum())(u);
    close(second((a, b, c) => indRnnCellUpdate(a, b, c, 'tanh')), second((a, b, c) => reference(a, b, c, 'tanh')), 1e-10);
  });

  it('a layer runs the cell over time, stacked, with the recurrent weight clipped', () => {
    manualSeed(2);
    const layer = new IndRNN(3, 4, { numLayers: 2, recurrentMaxAbs: 0.5 });
    const cell = layer.cells[0] as IndRNNCell;
    expect(cell.weightHh.shape).toEqual([4]);
    expect(cell.biasHh).toBeNull();
    expect(layer.parameters().length).toBe(6);
    cell.weightHh.assign(tensor([2, -2, 0.25, 0.5]));
    expect(Array.from(cell.recurrentWeight().dataSync())).toEqual([0.5, -0.5, 0.25, 0.5]);
    const x = randn([5, 2, 3]);
    const { output, h } = layer.forwardWithState(x);
    expect(output.shape).toEqual([5, 2, 4]);
    expect(h.shape).toEqual([2, 2, 4]);
    // By hand, layer 0: h_t = relu(W x_t + b + clip(u) ⊙ h_{t−1}).
    let s = tensor(new Float32Array(8), [2, 4]);
    const u = cell.recurrentWeight();
    for (let t = 0; t < 5; t++) s = cell.inputProjection(x.index(t)).add(s.mul(u)).relu();
    const top = layer.cells[1] as IndRNNCell;
    let s2 = tensor(new Float32Array(8), [2, 4]);
    const hs: Tensor[] = [];
    s = tensor(new Float32Array(8), [2, 4]);
    for (let t = 0; t < 5; t++) {
      s = cell.inputProjection(x.index(t)).add(s.mul(u)).relu();
      s2 = top.inputProjection(s).add(s2.mul(top.recurrentWeight())).relu();
      hs.push(s2);
    }
    close(h.index(0), s, 1e-5);
    close(h.index(1), s2, 1e-5);
    close(output.index(4), hs[4]!, 1e-5);
    // Clipped weights get no gradient beyond the bound.
    layer.forward(x).sum().backward();
    const g = cell.weightHh.grad!.dataSync();
    expect(Math.abs(g[0]!)).toBe(0);
    expect(Math.abs(g[1]!)).toBe(0);
    expect(Math.abs(g[2]!) + Math.abs(g[3]!)).toBeGreaterThan(0);
  });

  it('over 500 steps the gradient reaches the first input, where an Elman RNN\'s vanishes', () => {
    // The lesson behind the adding problem at length 500: the training run
    // itself is examples/adding-problem (too long for a test).
    const T = 500;
    const reach = (layer: IndRNN | RNN) => {
      const head = new Linear(32, 1);
      const { x } = addingProblem(T, 8);
      const g = grad((v: Tensor) => head.call(layer.forwardWithState(v).h.index(layer.numLayers - 1)).sum())(x);
      const norm = (t: number) => g.index(t).square().sum().sqrt().item();
      return norm(0) / norm(T - 1);
    };
    manualSeed(1);
    const bound = IndRNNCell.recurrentBound(T);
    const ind = reach(new IndRNN(2, 32, { numLayers: 2, recurrentMaxAbs: bound, recurrentInit: [[0, bound], [1 / bound, bound]] }));
    manualSeed(1);
    const elman = reach(new RNN(2, 32));
    expect(ind).toBeGreaterThan(0.1);
    expect(elman).toBeLessThan(1e-6);
  }, 120_000);

  it('recurrentBound is γ^(1/T), and bad arguments are typed errors', () => {
    expect(IndRNNCell.recurrentBound(500, 2)).toBeCloseTo(2 ** (1 / 500), 12);
    expect(() => new IndRNNCell(2, 3, { nonlinearity: 'sigmoid' as never })).toThrow(ValueError);
    expect(() => new IndRNNCell(2, 3, { recurrentMaxAbs: 0 })).toThrow(ValueError);
    expect(() => indRnnCellUpdate(f64([2, 3]), f64([4]), f64([2, 3]))).toThrow(/u must be \[3\]/);
    expect(() => indRnnCellUpdate(f64([2, 3]), f64([3]), f64([3, 3]))).toThrow(ShapeError);
  });
});
