import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { Parameter } from '@nn/layers-core';
import { manualSeed, randn, ShapeError, tensor, type Tensor, ValueError } from '@nn/tensor';
import { Embedding, GRU, GRUCell, LSTM, LSTMCell, loadTorchStateDict, RNN, RNNCell, sequenceCrossEntropy, torchStateDict, type RecurrentCell } from '../src/index.js';

manualSeed(31);

/** Makes every parameter of a module float64, for gradient checks. */
function toFloat64(cells: RecurrentCell[]): void {
  for (const c of cells) {
    c.weightIh = new Parameter(c.weightIh.cast('float64'));
    c.weightHh = new Parameter(c.weightHh.cast('float64'));
    if (c.biasIh) c.biasIh = new Parameter(c.biasIh.cast('float64'));
    if (c.biasHh) c.biasHh = new Parameter(c.biasHh.cast('float64'));
  }
}

/** gradCheck with respect to the input and to one weight, swapped in for the call. */
function checkWithWeight(cell: RecurrentCell, f: (x: Tensor) => Tensor, x: Tensor): void {
  const r = gradCheck((input, w) => {
    const saved = cell.weightHh;
    cell.weightHh = w as Parameter;
    try {
      return f(input);
    } finally {
      cell.weightHh = saved;
    }
  }, [x, cell.weightHh]);
  expect(r.ok, JSON.stringify(r.maxRelativeError)).toBe(true);
}

describe('cells: gradCheck in float64', () => {
  it('RNN (tanh and relu), LSTM and GRU cells', () => {
    for (const cell of [new RNNCell(3, 4), new RNNCell(3, 4, { nonlinearity: 'relu' }), new GRUCell(3, 4)]) {
      toFloat64([cell]);
      const h = randn([2, 4], { dtype: 'float64' });
      checkWithWeight(cell, (x) => cell.forward(x, h), randn([2, 3]));
    }
    const lstm = new LSTMCell(3, 4);
    toFloat64([lstm]);
    const h = randn([2, 4], { dtype: 'float64' }), c = randn([2, 4], { dtype: 'float64' });
    checkWithWeight(lstm, (x) => { const [hn, cn] = lstm.step(x, h, c); return hn.add(cn.mul(0.5)); }, randn([2, 3]));
  });
});

describe('layers: gradCheck of whole sequences', () => {
  const cases: [string, () => RNN | LSTM | GRU][] = [
    ['RNN, 2 layers', () => new RNN(3, 4, { numLayers: 2 })],
    ['LSTM, bidirectional', () => new LSTM(3, 4, { bidirectional: true })],
    ['GRU, 2 layers, bidirectional, batchFirst', () => new GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true })],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const layer = make();
      toFloat64(layer.cells);
      const x = randn(layer.batchFirst ? [2, 5, 3] : [5, 2, 3]);
      checkWithWeight(layer.cells[0]!, (input) => {
        const r = layer.forwardWithState(input);
        return r.output.sum().add(r.h.square().sum());
      }, x);
    });
  }

  it('with masking by lengths', () => {
    const layer = new LSTM(3, 4, { bidirectional: true });
    toFloat64(layer.cells);
    checkWithWeight(layer.cells[1]!, (input) => layer.forwardWithState(input, { lengths: [5, 2] }).output.sum(), randn([5, 2, 3]));
  });
});

describe('LSTM equals the chapter', () => {
  it('a direct transcription of the equations gives the same states', () => {
    const I = 2, H = 3, T = 4;
    const layer = new LSTM(I, H);
    const cell = layer.cells[0]!;
    const U = cell.weightIh.toArray() as number[][], W = cell.weightHh.toArray() as number[][];
    const b = (cell.biasIh!.toArray() as number[]).map((v, k) => v + (cell.biasHh!.toArray() as number[])[k]!);
    const xs = randn([T, 1, I]);
    const X = xs.toArray() as number[][][];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    let h = new Array(H).fill(0), s = new Array(H).fill(0);
    const hs: number[][] = [];
    for (let t = 0; t < T; t++) {
      const x = X[t]![0]!;
      // Gate j of unit u uses row j·H + u: b + U x_t + W h_{t−1}. Gates are (i, f, g, o).
      const pre = (gate: number, u: number) => b[gate * H + u]! + x.reduce((a, xv, k) => a + U[gate * H + u]![k]! * xv, 0) + h.reduce((a, hv, k) => a + W[gate * H + u]![k]! * hv, 0);
      const i = h.map((_, u) => sig(pre(0, u))), f = h.map((_, u) => sig(pre(1, u))), c = h.map((_, u) => Math.tanh(pre(2, u))), o = h.map((_, u) => sig(pre(3, u)));
      s = s.map((sv, u) => f[u]! * sv + i[u]! * c[u]!);
      h = s.map((sv, u) => o[u]! * Math.tanh(sv));
      hs.push(h);
    }
    const r = layer.forwardWithState(xs);
    const out = r.output.toArray() as number[][][];
    hs.forEach((row, t) => row.forEach((v, u) => expect(out[t]![0]![u]).toBeCloseTo(v, 5)));
    (r.c!.toArray() as number[][][])[0]![0]!.forEach((v, u) => expect(v).toBeCloseTo(s[u]!, 5));
  });

  it('the forget-gate bias starts at 1 (rows H..2H of the (i, f, g, o) layout)', () => {
    const cell = new LSTMCell(2, 3, { forgetBias: 1 });
    const b = Array.from(cell.biasIh!.dataSync()).map((v, k) => v + cell.biasHh!.dataSync()[k]!);
    const bound = 1 / Math.sqrt(3);
    b.slice(3, 6).forEach((v) => expect(v).toBeGreaterThan(1 - 2 * bound));
  });

  it('loads a state dict in PyTorch LSTM layout and names', () => {
    const layer = new LSTM(2, 3, { numLayers: 2, bidirectional: true });
    const names = Object.keys(torchStateDict(layer));
    expect(names).toContain('weight_ih_l0');
    expect(names).toContain('bias_hh_l1_reverse');
    const dict: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(torchStateDict(layer))) dict[k] = randn(t.shape);
    loadTorchStateDict(layer, dict);
    expect(Array.from(layer.cells[3]!.weightHh.dataSync())).toEqual(Array.from(dict['weight_hh_l1_reverse']!.dataSync()));
    expect(layer.cells[1]!.weightIh.shape).toEqual([12, 2]);
    expect(layer.cells[2]!.weightIh.shape).toEqual([12, 6]);
  });
});

describe('shapes, states and masking', () => {
  it('returns outputs and final states as PyTorch does', () => {
    const lstm = new LSTM(5, 7, { numLayers: 3, bidirectional: true, batchFirst: true });
    const r = lstm.forwardWithState(randn([4, 6, 5]), { h0: randn([6, 4, 7]), c0: randn([6, 4, 7]) });
    expect(r.output.shape).toEqual([4, 6, 14]);
    expect(r.h.shape).toEqual([6, 4, 7]);
    expect(r.c!.shape).toEqual([6, 4, 7]);
  });

  it('with lengths, a padded sequence ends where it ends: same final state as the unpadded one, zeros after', () => {
    const gru = new GRU(2, 3);
    const short = randn([3, 1, 2]);
    const padded = short.pad([[0, 2], [0, 0], [0, 0]], 9);
    const a = gru.forwardWithState(short);
    const b = gru.forwardWithState(padded, { lengths: [3] });
    expect(Array.from(b.h.dataSync())).toEqual(Array.from(a.h.dataSync()));
    expect(Array.from(b.output.index([3, 5]).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    const bi = new LSTM(2, 3, { bidirectional: true });
    const c = bi.forwardWithState(short).h, d = bi.forwardWithState(padded, { lengths: [3] }).h;
    Array.from(d.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(c.dataSync()[i]!, 6));
  });

  it('names the layer and the shapes on bad input', () => {
    const lstm = new LSTM(5, 7);
    expect(() => lstm.forward(randn([4, 6, 3]))).toThrow('LSTM: input must be [time, batch, 5], got [4,6,3]');
    expect(() => lstm.forwardWithState(randn([4, 2, 5]), { h0: randn([1, 3, 7]) })).toThrow(ShapeError);
    expect(() => lstm.forwardWithState(randn([4, 2, 5]), { h0: randn([1, 3, 7]) })).toThrow('LSTM: h0 must be [1,2,7] (layers x directions, batch, hidden), got [1,3,7]');
    expect(() => lstm.forwardWithState(randn([4, 2, 5]), { lengths: [4, 6] })).toThrow(ValueError);
    expect(() => lstm.forwardWithState(randn([4, 2, 5]), { lengths: [4, 6] })).toThrow('LSTM: lengths[1] = 6 is outside [1, 4] (the sequence has 4 steps)');
    expect(() => new LSTMCell(3, 4).step(randn([2, 3]), randn([2, 5]), randn([2, 4]))).toThrow('LSTMCell: state h must be [2, 4], got [2,5]');
  });
});

describe('Embedding and the sequence loss', () => {
  it('Embedding looks rows up and sends gradients only to them', () => {
    const emb = new Embedding(5, 2);
    const ids = tensor([[0, 3], [3, 3]], undefined, 'int32');
    expect(emb.forward(ids).shape).toEqual([2, 2, 2]);
    emb.forward(ids).sum().backward();
    expect(Array.from(emb.weight.grad!.sum(1).dataSync())).toEqual([2, 0, 0, 6, 0]);
    expect(() => emb.forward(tensor([5], undefined, 'int32'))).toThrow(/out of range/);
  });

  it('sequence cross-entropy sums −log p over real steps', () => {
    const logits = randn([3, 2, 4]);
    const targets = tensor([[1, 2], [0, 3], [2, 2]], undefined, 'int32');
    const mask = tensor([[1, 1], [1, 0], [1, 0]]);
    const lp = (logits.sub(logits.logsumexp(2, true))).toArray() as number[][][];
    const want = -(lp[0]![0]![1]! + lp[0]![1]![2]! + lp[1]![0]![0]! + lp[2]![0]![2]!);
    expect(sequenceCrossEntropy(logits, targets, { mask, reduction: 'sum' }).item()).toBeCloseTo(want, 4);
    expect(sequenceCrossEntropy(logits, targets, { mask }).item()).toBeCloseTo(want / 4, 4);
    expect(() => sequenceCrossEntropy(logits, tensor([[1, 9], [0, 0], [0, 0]], undefined, 'int32'))).toThrow(/target 9 at position 1 is outside \[0, 4\)/);
  });
});
