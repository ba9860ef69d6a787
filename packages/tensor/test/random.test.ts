import { describe, expect, it } from 'vitest';
import { manualSeed, rand, randint, randn, ValueError, DTypeError } from '../src/index.js';

describe('random tensors', () => {
  it('manualSeed makes every random function reproducible', () => {
    manualSeed(42);
    const a = [rand([5]).dataSync(), randn([5]).dataSync(), randint(0, 10, [5]).dataSync()];
    manualSeed(42);
    const b = [rand([5]).dataSync(), randn([5]).dataSync(), randint(0, 10, [5]).dataSync()];
    expect(b).toEqual(a);
    const c = rand([5]).dataSync();
    expect(c).not.toEqual(a[0]);
  });

  it('rand is uniform in [low, high)', () => {
    manualSeed(1);
    const v = rand([20000], { low: -2, high: 3 }).dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThan(3);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });

  it('randn has the requested mean and standard deviation', () => {
    manualSeed(2);
    const v = randn([20001], { mean: 1, std: 2 }).dataSync();
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd).toBeCloseTo(2, 1);
    expect(randn([3], { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('randint covers [low, high) and nothing else', () => {
    manualSeed(3);
    const v = Array.from(randint(-1, 2, [3000]).dataSync());
    expect(new Set(v)).toEqual(new Set([-1, 0, 1]));
  });

  it('rejects bad arguments', () => {
    expect(() => rand([2], { low: 1, high: 1 })).toThrow(ValueError);
    expect(() => randint(2, 1, [2])).toThrow('randint: needs integers low < high, got low 2, high 1');
    expect(() => rand([2], { dtype: 'int32' })).toThrow(DTypeError);
    expect(() => manualSeed(NaN)).toThrow(ValueError);
  });
});
