import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { DTypeError, manualSeed, randn, tensor } from '@nn/tensor';
import { LocalResponseNorm, localResponseNorm } from '../src/index.js';

/** PyTorch's definition, written out: b_c = a_c / (k + α/n · Σ_{c'} a_c'²)^β over the window [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋]. */
function reference(a: number[][], size: number, alpha: number, beta: number, k: number): number[][] {
  const C = a.length;
  return a.map((row, c) =>
    row.map((v, i) => {
      let s = 0;
      for (let j = c - Math.floor(size / 2); j <= c + Math.floor((size - 1) / 2); j++) if (j >= 0 && j < C) s += a[j]![i]! ** 2;
      return v / (k + (alpha / size) * s) ** beta;
    }),
  );
}

describe('local response normalisation', () => {
  it('matches the written-out definition, windows cut at the edges', () => {
    manualSeed(1);
    const x = randn([1, 6, 2, 2]);
    const y = new LocalResponseNorm(5, 0.5, 0.75, 2).call(x);
    const a = (x.reshape([6, 4]).toArray() as number[][]);
    const want = reference(a, 5, 0.5, 0.75, 2);
    const got = y.reshape([6, 4]).toArray() as number[][];
    got.forEach((row, c) => row.forEach((v, i) => expect(v).toBeCloseTo(want[c]![i]!, 6)));
    // an even window: one more channel before than after
    const even = localResponseNorm(x, 4, { alpha: 1, beta: 1, k: 1 }).reshape([6, 4]).toArray() as number[][];
    const wantEven = reference(a, 4, 1, 1, 1);
    even.forEach((row, c) => row.forEach((v, i) => expect(v).toBeCloseTo(wantEven[c]![i]!, 6)));
  });

  it('has a gradient (gradCheck in float64)', () => {
    manualSeed(2);
    expect(gradCheck((x) => localResponseNorm(x, 3, { alpha: 0.3, beta: 0.75, k: 1 }), [randn([2, 5, 3, 2])]).ok).toBe(true);
  });

  it('rejects integer input and bad sizes, naming the op', () => {
    expect(() => localResponseNorm(tensor([[[1]]], undefined, 'int32'), 3)).toThrow(DTypeError);
    expect(() => localResponseNorm(randn([1, 2, 2]), 0)).toThrow(/localResponseNorm: size must be a positive integer, got 0/);
  });
});
