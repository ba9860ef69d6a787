import { describe, expect, it } from 'vitest';
import { grad, noGrad } from '@nn/autograd';
import { elu, gelu, leakyRelu, logSoftmax, softmax } from '@nn/activations';
import { avgPool2d, conv2d, localResponseNorm, maxPool2d, maxPool2dWithIndices, maxUnpool2d } from '@nn/layers-conv';
import { gruCellUpdate, indRnnCellUpdate, lstmCellUpdate } from '@nn/layers-recurrent';
import * as nn from '@nn/tensor';
import { type FusedActivation, manualSeed, type Tensor, use } from '@nn/tensor';
import { wasmPlugin } from '../src/index.js';
import { expectAgree, input } from './helpers.js';

use(wasmPlugin);
manualSeed(5);

describe('cpu and wasm agree', () => {
  it('matmul over odd, zero and panel-crossing sizes, transposed and batched', () => {
    const sizes = [0, 1, 3, 4, 7, 8, 9, 17, 33, 130, 300];
    for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [4, 8, 256], [9, 17, 257], [33, 130, 9], [130, 33, 300], [0, 4, 3], [3, 0, 4], [5, 6, 0], [300, 520, 70]]) {
      expectAgree([input([M!, K!]), input([K!, N!])], (a, b) => nn.matmul(a, b));
      expectAgree([input([K!, M!]), input([N!, K!])], (a, b) => nn.matmul(a, b, { transposeA: true, transposeB: true }));
    }
    const r = () => sizes[Math.floor(Math.random() * sizes.length)]!;
    for (let i = 0; i < 10; i++) {
      const [M, N, K] = [r(), r(), r()];
      expectAgree([input([2, 1, M, K]), input([3, K, N])], (a, b) => nn.matmul(a, b));
    }
  });

  it('unary ops, including the SIMD exp, tanh and sigmoid tails and extremes', () => {
    const ops: ((x: Tensor) => Tensor)[] = [nn.neg, nn.abs, nn.relu, nn.floor, nn.ceil, nn.round, nn.exp, nn.sigmoid, nn.tanh, nn.sign, nn.sin, nn.cos];
    for (const n of [0, 1, 3, 5, 1031]) for (const op of ops) expectAgree([input([n])], op, 2e-6);
    const wide = { values: Float32Array.from({ length: 23 }, (_, i) => (i - 11) * 9.3), shape: [23] };
    for (const op of [nn.exp, nn.sigmoid, nn.tanh]) expectAgree([wide], op, 1e-6);
    const positive = { values: Float32Array.from({ length: 37 }, (_, i) => 0.01 + i * 0.7), shape: [37] };
    for (const op of [nn.sqrt, nn.rsqrt, nn.log]) expectAgree([positive], op, 1e-6);
  });

  it('the SIMD activations: leaky ReLU, ELU, GELU (exact and tanh)', () => {
    for (const n of [3, 7, 1029]) {
      const x = input([n]);
      expectAgree([x], (t) => leakyRelu(t, 0.1), 1e-6);
      expectAgree([x], (t) => elu(t, 1.5), 1e-6);
      expectAgree([x], (t) => gelu(t), 1e-6);
      expectAgree([x], (t) => gelu(t, { approximate: 'tanh' }), 1e-6);
    }
  });

  it('binary ops with broadcasting, scalars and zero-size dims', () => {
    const pairs: [number[], number[]][] = [[[7], [7]], [[3, 5], [5]], [[3, 5], [3, 1]], [[2, 1, 4], [3, 1]], [[], [6]], [[1031], []], [[0, 3], [3]], [[4, 0], [1]]];
    const ops = [nn.add, nn.sub, nn.mul, nn.div, nn.maximum, nn.minimum];
    for (const [a, b] of pairs) for (const op of ops) expectAgree([input(a), input(b)], (x, y) => op(x, y));
    for (const [a, b] of pairs) for (const op of [nn.lt, nn.ge, nn.eq]) expectAgree([input(a), input(b)], (x, y) => op(x, y).cast('float32'));
    expectAgree([input([200, 400]), input([200, 400])], (x, y) => nn.add(x, y)); // split over threads
  });

  it('reductions over contiguous, scattered and empty axis sets', () => {
    const x = input([3, 4, 5, 6]);
    for (const axes of [[0], [3], [1, 2], [0, 2], [1, 3], [0, 1, 2, 3]]) {
      expectAgree([x], (t) => nn.sum(t, axes), 1e-5);
      expectAgree([x], (t) => nn.max(t, axes));
      expectAgree([x], (t) => nn.min(t, axes, true));
    }
    expectAgree([x], (t) => nn.sum(t));
    expectAgree([input([2, 0, 3])], (t) => nn.sum(t, [1]));
    expectAgree([input([37, 1029])], (t) => nn.sum(t, [1]), 1e-5);
  });

  it('layout ops', () => {
    const x = input([2, 3, 4, 5]);
    expectAgree([x], (t) => nn.permute(t, [3, 1, 0, 2]));
    expectAgree([input([3, 1])], (t) => nn.broadcastTo(t, [2, 3, 7]));
    expectAgree([x], (t) => nn.slice(t, [1, 0, 1, 1], [2, 3, null, 5], [1, 2, 2, 3]));
    expectAgree([x, input([2, 2, 4, 5])], (a, b) => nn.concat([a, b], 1));
    expectAgree([x], (t) => nn.pad(t, [[0, 0], [1, 2], [0, 1], [3, 0]], 1.5));
    expectAgree([x], (t) => nn.clone(t).reshape([6, 20]));
  });

  it('softmax and log-softmax on the last and other axes', () => {
    for (const shape of [[4, 10], [3, 7], [2, 1029], [0, 5]]) {
      expectAgree([input(shape)], (t) => softmax(t, -1));
      expectAgree([input(shape)], (t) => logSoftmax(t, -1));
    }
    expectAgree([input([3, 4, 5])], (t) => softmax(t, 1));
  });

  it('the fused linear and conv2d ops with every fused activation, odd and zero sizes', () => {
    const activations: (FusedActivation | null)[] = [
      null, { op: 'relu' }, { op: 'sigmoid' }, { op: 'tanh' }, { op: 'leakyRelu', attrs: { slope: 0.2 } },
      { op: 'elu', attrs: { alpha: 0.7 } }, { op: 'gelu', attrs: { approximate: 0 } }, { op: 'gelu', attrs: { approximate: 1 } },
    ];
    leakyRelu(nn.zeros([1])); // registers the activation ops the fused ops name
    for (const activation of activations) {
      for (const [M, K, N] of [[1, 400, 120], [3, 7, 5], [64, 33, 10], [0, 4, 3], [2, 0, 3]]) {
        expectAgree([input([M!, K!]), input([N!, K!]), input([N!])], (x, w, b) => nn.linear(x, w, b, { activation }), 2e-6);
      }
      for (const [xs, ws, o] of [[[1, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }], [[2, 4, 7, 6], [6, 2, 3, 3], { stride: 2, groups: 2 }], [[0, 2, 5, 5], [3, 2, 3, 3], {}]] as const) {
        expectAgree([input([...xs]), input([...ws]), input([ws[0]])], (x, w, b) => conv2d(x, w, b, { ...o, activation }), 2e-6);
      }
    }
  });

  it('conv2d forward and both back-propagations over strides, padding, dilation and groups', () => {
    const cases = [
      { x: [2, 3, 9, 8], w: [4, 3, 3, 3], o: {} },
      { x: [1, 4, 10, 11], w: [6, 2, 3, 2], o: { stride: 2, padding: [1, 2] as [number, number], groups: 2 } },
      { x: [3, 2, 12, 12], w: [5, 2, 3, 3], o: { dilation: 2, padding: 2 } },
      { x: [2, 8, 5, 5], w: [4, 8, 1, 1], o: {} },
      { x: [2, 1, 28, 28], w: [6, 1, 5, 5], o: { padding: 2 } },
      // Winograd F(2x2, 3x3): odd sizes, one-sided ('same') and no padding, many tile blocks
      { x: [2, 16, 13, 11], w: [20, 16, 3, 3], o: { padding: 1 } },
      { x: [1, 24, 10, 21], w: [16, 24, 3, 3], o: { padding: 'same' as const } },
      { x: [3, 16, 9, 9], w: [17, 16, 3, 3], o: {} },
      { x: [1, 160, 40, 30], w: [32, 160, 3, 3], o: { padding: 1 } },
      // the Winograd filter gradient: blocks that gather several small images, and blocks that split an image
      { x: [6, 32, 7, 7], w: [64, 32, 3, 3], o: { padding: 1 } },
      { x: [3, 160, 9, 9], w: [32, 160, 3, 3], o: { padding: 1 } },
    ];
    for (const c of cases) {
      const xi = input(c.x), wi = input(c.w);
      expectAgree([xi, wi], (x, w) => conv2d(x, w, null, c.o), 1e-5);
      expectAgree([xi, wi], (x, w) => grad((a: Tensor) => conv2d(a, w, null, c.o).square().sum())(x), 1e-5);
      expectAgree([xi, wi], (x, w) => grad((b: Tensor) => conv2d(x, b, null, c.o).square().sum())(w), 1e-5);
    }
  });

  it('max pooling values, switches and gradient, NaN included, and unpooling errors', () => {
    const cases = [
      { x: [2, 3, 28, 28], k: 2, o: {} },
      { x: [1, 2, 11, 13], k: 2, o: {} },
      { x: [1, 2, 9, 9], k: 2, o: { ceilMode: true } },
      { x: [1, 2, 13, 17], k: 3, o: { stride: 2, padding: 1 } },
      { x: [1, 2, 11, 12], k: 3, o: { stride: 1, dilation: 2, ceilMode: true } },
      { x: [1, 1, 9, 30], k: [2, 3] as [number, number], o: { stride: [1, 3] as [number, number], padding: [1, 1] as [number, number] } },
      { x: [2, 1, 10, 40], k: 2, o: { stride: 1 } },
      // large enough to split the planes over threads (13 planes: uneven parts), and the 2x2 fast path split too
      { x: [1, 13, 56, 56], k: 3, o: { stride: 1, padding: 1, ceilMode: true } },
      { x: [1, 64, 64, 64], k: 2, o: {} },
    ];
    for (const c of cases) {
      const xi = input(c.x);
      xi.values[5] = NaN;
      xi.values[7] = xi.values[6]!; // a tie: the first maximum wins
      expectAgree([xi], (x) => maxPool2dWithIndices(x, c.k, c.o)[0]);
      expectAgree([xi], (x) => maxPool2dWithIndices(x, c.k, c.o)[1].cast('float32'));
      // inference: the values-only kernels (no recording, so no indices)
      expectAgree([xi], (x) => noGrad(() => maxPool2d(x, c.k, c.o)));
      const clean = input(c.x);
      expectAgree([clean], (x) => grad((a: Tensor) => maxPool2dWithIndices(a, c.k, c.o)[0].square().sum())(x));
    }
    void nn.setBackend('wasm');
    const bad = nn.tensor([[[[0, 99]]]], undefined, 'int32');
    expect(() => maxUnpool2d(nn.ones([1, 1, 1, 2]), bad, 2)).toThrow(/index 99 at position 1 is outside the \d+ positions/);
  });

  it('average pooling (padding counted or not, ceil mode) and local response normalisation', () => {
    const cases = [
      { x: [2, 3, 28, 28], k: 2, o: {} },
      { x: [1, 2, 13, 17], k: 3, o: { stride: 2, padding: 1 } },
      { x: [1, 2, 13, 17], k: 3, o: { stride: 2, padding: 1, countIncludePad: false } },
      { x: [1, 2, 11, 12], k: 3, o: { stride: 2, ceilMode: true, countIncludePad: false } },
      { x: [1, 3, 9, 30], k: [2, 5] as [number, number], o: { stride: [1, 3] as [number, number], padding: [1, 2] as [number, number] } },
      // large enough to split the planes over threads (13 planes: uneven parts)
      { x: [1, 13, 56, 56], k: 3, o: { stride: 1, padding: 1 } },
      { x: [1, 16, 14, 14], k: 5, o: { stride: 3 } },
    ];
    for (const c of cases) {
      const xi = input(c.x);
      expectAgree([xi], (x) => avgPool2d(x, c.k, c.o));
      expectAgree([xi], (x) => grad((a: Tensor) => avgPool2d(a, c.k, c.o).square().sum())(x));
    }
    const xl = input([2, 20, 7, 9]);
    expectAgree([xl], (x) => localResponseNorm(x, 5, { alpha: 1e-4, beta: 0.75, k: 2 }));
  });

  it('fused LSTM, GRU and IndRNN cell updates and their gradients, with hidden sizes off the vector width', () => {
    for (const [B, H] of [[3, 8], [2, 5], [1, 1]]) {
      const gates = input([B!, 4 * H!]), c = input([B!, H!]), xp = input([B!, 3 * H!]), hp = input([B!, 3 * H!]), h = input([B!, H!]);
      expectAgree([gates, c], (g, cc) => lstmCellUpdate(g, cc)[0]);
      expectAgree([gates, c], (g, cc) => lstmCellUpdate(g, cc)[1]);
      expectAgree([gates, c], (g, cc) => grad((a: Tensor) => { const [hh, cn] = lstmCellUpdate(a, cc); return hh.mul(2).add(cn).sum(); })(g));
      expectAgree([gates, c], (g, cc) => grad((a: Tensor) => lstmCellUpdate(g, a)[1].square().sum())(cc));
      expectAgree([xp, hp, h], (x, p, s) => gruCellUpdate(x, p, s));
      for (const k of [0, 1, 2]) {
        expectAgree([xp, hp, h], (x, p, s) => grad((...a: Tensor[]) => gruCellUpdate(a[0]!, a[1]!, a[2]!).square().sum(), k)(x, p, s));
      }
      const xi = input([B!, H!]), u = input([H!]);
      for (const f of ['relu', 'tanh'] as const) {
        expectAgree([xi, u, h], (x, w, s) => indRnnCellUpdate(x, w, s, f));
        for (const k of [0, 1, 2]) {
          expectAgree([xi, u, h], (x, w, s) => grad((...a: Tensor[]) => indRnnCellUpdate(a[0]!, a[1]!, a[2]!, f).square().sum(), k)(x, w, s));
        }
      }
    }
  });

  it('float64, int32 and bool tensors (host kernels) match cpu exactly', () => {
    const check = (f: () => Tensor) => {
      void nn.setBackend('cpu');
      const c = nn.tidy(() => Array.from(f().dataSync()));
      void nn.setBackend('wasm');
      const w = nn.tidy(() => Array.from(f().dataSync()));
      expect(w).toEqual(c);
    };
    check(() => nn.tensor([[1, 2], [3, 4]], undefined, 'float64').matmul(nn.tensor([[1.5], [-2]], undefined, 'float64')).exp());
    check(() => nn.tensor([5, -3, 7], undefined, 'int32').add(nn.tensor([1, 2, 3], undefined, 'int32')).mul(2).sum());
    check(() => nn.tensor([1, 0, 1], undefined, 'bool').logicalAnd(nn.tensor([1, 1, 0], undefined, 'bool')).cast('int32'));
    check(() => nn.tensor([3.7, -1.2, 0.5]).argmax(0));
  });
});
