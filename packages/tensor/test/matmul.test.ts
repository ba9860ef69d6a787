import { describe, expect, it } from 'vitest';
import { gemm } from '../src/kernel.js';
import { matmul, randn, ShapeError, tensor, type Tensor } from '../src/index.js';
import { expectTensor } from './helpers.js';

/** Naive triple loop on nested arrays: the reference. */
function reference(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

function close(t: Tensor, want: number[][], tol = 1e-4): void {
  const got = t.toArray() as number[][];
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want[i]![j]!)).toBeLessThan(tol)));
}

describe('matmul', () => {
  it('multiplies 2-D matrices', () => {
    expectTensor(tensor([[1, 2], [3, 4]]).matmul(tensor([[5, 6], [7, 8]])), [[19, 22], [43, 50]]);
  });

  it('matches the naive loop on odd sizes (edges of the 4x4 tiles) and deep K (K blocking)', () => {
    for (const [m, k, n] of [[1, 1, 1], [5, 3, 7], [17, 300, 9], [4, 257, 4], [33, 65, 31]] as const) {
      const a = randn([m, k]), b = randn([k, n]);
      close(a.matmul(b), reference(a.toArray() as number[][], b.toArray() as number[][]), 1e-3);
    }
  });

  it('folds transposed operands into the kernel', () => {
    const T = (x: number[][]) => x[0]!.map((_, j) => x.map((r) => r[j]!));
    const a = randn([6, 5]), b = randn([7, 6]), c = randn([5, 7]);
    const at = a.toArray() as number[][], bt = b.toArray() as number[][], ct = c.toArray() as number[][];
    close(matmul(a, b, { transposeA: true, transposeB: true }), reference(T(at), T(bt)));
    close(matmul(a, b.transpose(), { transposeA: true }), reference(T(at), T(bt)));
    close(matmul(c, a, { transposeA: true, transposeB: true }), reference(T(ct), T(at)));
    close(matmul(c, c, { transposeB: true }), reference(ct, T(ct)));
    close(matmul(a, a, { transposeA: true }), reference(T(at), at));
  });

  it('handles vectors like NumPy', () => {
    const v = tensor([1, 2]);
    const M = tensor([[1, 2], [3, 4]]);
    expect(v.matmul(v).shape).toEqual([]);
    expect(v.matmul(v).item()).toBe(5);
    expectTensor(M.matmul(v), [5, 11]);
    expectTensor(v.matmul(M), [7, 10]);
  });

  it('batches and broadcasts batch dims', () => {
    const a = randn([2, 1, 3, 4]), b = randn([3, 4, 5]);
    const c = a.matmul(b);
    expect(c.shape).toEqual([2, 3, 3, 5]);
    const a1 = a.index(1, 0).toArray() as number[][];
    const b2 = b.index(2).toArray() as number[][];
    close(c.index(1, 2), reference(a1, b2));
  });

  it('multiplies int32 and float64 matrices', () => {
    const r = tensor([[1, 2]], undefined, 'int32').matmul(tensor([[3], [4]], undefined, 'int32'));
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([[11]]);
    expect(tensor([[0.1]], undefined, 'float64').matmul(tensor([[0.2]], undefined, 'float64')).item()).toBe(0.1 * 0.2);
  });

  it('gemm accumulates into C with offsets', () => {
    const c = new Float32Array(1 + 4);
    gemm(new Float32Array([0, 1, 2, 3, 4]), 1, false, new Float32Array([1, 0, 0, 1]), 0, false, c, 1, 2, 2, 2);
    expect(Array.from(c)).toEqual([0, 1, 2, 3, 4]);
  });

  it('names both shapes when inner dimensions differ', () => {
    expect(() => tensor([[1, 2, 3], [4, 5, 6]]).matmul(randn([4, 5]))).toThrow(ShapeError);
    expect(() => tensor([[1, 2, 3], [4, 5, 6]]).matmul(randn([4, 5]))).toThrow('matmul: inner dimensions differ: a is [2,3], b is [4,5]');
    expect(() => randn([2, 3, 4]).matmul(randn([3, 4, 2]))).toThrow(/cannot be broadcast/);
    expect(() => tensor(1).matmul(tensor([1]))).toThrow(ShapeError);
  });
});
