import { describe, expect, it } from 'vitest';
import { mackeyGlass } from '@nn/data';
import { manualSeed, ShapeError, tensor, ValueError } from '@nn/tensor';
import { EchoStateNetwork, spectralRadius } from '../src/index.js';

describe('spectralRadius', () => {
  it('finds the largest |eigenvalue|, also of a complex pair, by power iteration', () => {
    // block diag: a rotation scaled by 0.9 (eigenvalues 0.9·e^{±iθ}), then 0.5 and −0.7
    const n = 4, w = new Float64Array(n * n);
    const [c, s] = [0.9 * Math.cos(1), 0.9 * Math.sin(1)];
    w.set([c, -s], 0);
    w.set([s, c], 4);
    w[10] = 0.5;
    w[15] = -0.7;
    expect(spectralRadius(w, n)).toBeCloseTo(0.9, 3);
    expect(() => spectralRadius(new Float64Array(5), 2)).toThrow(ShapeError);
  });
});

describe('EchoStateNetwork', () => {
  it('scales its reservoir to the spectral radius asked, and is reproducible under manualSeed', () => {
    manualSeed(3);
    const a = new EchoStateNetwork(1, { reservoirSize: 80, spectralRadius: 0.8 });
    manualSeed(3);
    const b = new EchoStateNetwork(1, { reservoirSize: 80, spectralRadius: 0.8 });
    expect(a.spectralRadius).toBeCloseTo(0.8, 2);
    expect(Array.from(a.inputWeights)).toEqual(Array.from(b.inputWeights));
    a.step([0.5]);
    b.step([0.5]);
    expect(Array.from(a.state)).toEqual(Array.from(b.state));
  });

  it('the echo state property: two different starting states forget their difference under the same input', () => {
    manualSeed(4);
    const esn = new EchoStateNetwork(1, { reservoirSize: 100, spectralRadius: 0.9 });
    const drive = Array.from({ length: 300 }, (_, t) => [Math.sin(t / 5)]);
    esn.state = Float64Array.from({ length: 100 }, () => 0.9);
    for (const u of drive) esn.step(u);
    const from1 = esn.state.slice();
    esn.state = Float64Array.from({ length: 100 }, () => -0.9);
    for (const u of drive) esn.step(u);
    const gap = Math.max(...from1.map((v, i) => Math.abs(v - esn.state[i]!)));
    expect(gap).toBeLessThan(1e-6);
  });

  it('predicts Mackey-Glass (tau = 17) 84 steps ahead running free, NRMSE below 1e-2 with 300 units', () => {
    const series = Array.from(mackeyGlass(2500).dataSync() as Float64Array, (v) => Math.tanh(v - 1));
    const mean = series.reduce((a, b) => a + b, 0) / series.length;
    const sd = Math.sqrt(series.reduce((a, b) => a + (b - mean) ** 2, 0) / series.length);
    manualSeed(1);
    const esn = new EchoStateNetwork(1, { reservoirSize: 300, spectralRadius: 0.95, ridge: 1e-8 });
    const N = 2000;
    const train = esn.fit(tensor(series.slice(0, N), [N, 1], 'float64'), tensor(series.slice(1, N + 1), [N, 1], 'float64'), { washout: 300 });
    expect(train).toBeLessThan(1e-3);
    const run = esn.generate(84, [series[N]!]).dataSync();
    const nrmse = Math.abs(run[83]! - series[N + 84]!) / sd;
    expect(nrmse).toBeLessThan(1e-2);
    // ...far better than the mean as a guess
    expect(Math.abs(mean - series[N + 84]!) / sd).toBeGreaterThan(0.05);
  });

  it('rejects bad options and shapes with typed errors', () => {
    expect(() => new EchoStateNetwork(1, { reservoirSize: 10, leakRate: 0 })).toThrow(ValueError);
    const esn = new EchoStateNetwork(2, { reservoirSize: 10 });
    expect(() => esn.predict(tensor([[1], [2]]))).toThrow(ShapeError);
    expect(() => esn.generate(3, [0, 0])).toThrow(/not trained|feeds outputs back/);
    expect(() => esn.fit(tensor([[1, 2], [3, 4]]), tensor([[1]]))).toThrow(/targets must be \[2, outputs\]/);
  });
});

describe('mackeyGlass', () => {
  it('integrates the delay equation: Runge-Kutta at 10 substeps agrees with 100, and the series stays on its attractor', () => {
    const a = mackeyGlass(200, { transient: 0 }).dataSync(), b = mackeyGlass(200, { transient: 0, substeps: 100 }).dataSync(); // before chaos amplifies the difference
    const c = mackeyGlass(300).dataSync();
    for (let t = 0; t < 100; t++) expect(a[t]!).toBeCloseTo(b[t]!, 4);
    expect(Math.min(...c)).toBeGreaterThan(0.2);
    expect(Math.max(...c)).toBeLessThan(1.45);
    expect(() => mackeyGlass(0)).toThrow(ValueError);
  });
});
