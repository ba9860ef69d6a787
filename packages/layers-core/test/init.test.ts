import { describe, expect, it } from 'vitest';
import { manualSeed } from '@nn/tensor';
import { init } from '../src/index.js';

function stats(values: ArrayLike<number>) {
  const a = Array.from(values);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  return { mean, std, min: Math.min(...a), max: Math.max(...a) };
}

describe('initialisers', () => {
  manualSeed(5);
  it('computes fans like PyTorch', () => {
    expect(init.fans([20, 10])).toEqual({ fanIn: 10, fanOut: 20 });
    expect(init.fans([16, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 400 });
  });

  it('xavier uniform and normal have the Glorot variance 2/(fanIn+fanOut)', () => {
    const u = stats(init.xavierUniform([200, 300]).dataSync());
    const b = Math.sqrt(6 / 500);
    expect(u.max).toBeLessThanOrEqual(b);
    expect(u.min).toBeGreaterThanOrEqual(-b);
    expect(u.std).toBeCloseTo(Math.sqrt(2 / 500), 2);
    expect(stats(init.xavierNormal([200, 300]).dataSync()).std).toBeCloseTo(Math.sqrt(2 / 500), 2);
  });

  it('kaiming normal and uniform have std gain/√fanIn (ReLU: √2/√fanIn)', () => {
    const want = Math.SQRT2 / Math.sqrt(300);
    expect(stats(init.kaimingNormal([200, 300], { nonlinearity: 'relu' }).dataSync()).std).toBeCloseTo(want, 2);
    expect(stats(init.kaimingUniform([200, 300], { nonlinearity: 'relu' }).dataSync()).std).toBeCloseTo(want, 2);
    expect(stats(init.kaimingNormal([200, 300], { nonlinearity: 'relu', mode: 'fanOut' }).dataSync()).std).toBeCloseTo(Math.SQRT2 / Math.sqrt(200), 2);
  });

  it('lecun normal has std 1/√fanIn; constant is constant', () => {
    expect(stats(init.lecunNormal([200, 400]).dataSync()).std).toBeCloseTo(0.05, 2);
    expect(Array.from(init.constant([3], 0.5).dataSync())).toEqual([0.5, 0.5, 0.5]);
  });

  it('orthogonal gives orthonormal rows (wide) or columns (tall)', () => {
    for (const shape of [[3, 5], [5, 3], [4, 4]] as const) {
      const q = init.orthogonal([...shape]);
      const gram = shape[0] <= shape[1] ? q.matmul(q.transpose()) : q.transpose().matmul(q);
      const n = Math.min(...shape);
      const g = gram.toArray() as number[][];
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(g[i]![j]).toBeCloseTo(i === j ? 1 : 0, 5);
    }
    expect(() => init.orthogonal([3])).toThrow(/needs at least 2 dims/);
  });
});
