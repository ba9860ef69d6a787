import { describe, expect, it } from 'vitest';
import { cumprod, cumsum, DTypeError, randn, ShapeError, tensor } from '@nn/tensor';
import { grad, gradCheck } from '../src/index.js';

/** Sequential running sum / product of each row along the last axis: the reference. */
function running(rows: number[][], op: (a: number, b: number) => number): number[][] {
  return rows.map((r) => r.map((_, i) => r.slice(0, i + 1).reduce(op)));
}

describe('cumsum and cumprod', () => {
  const rows = [[1, 2, 3, 4, 5, 6, 7], [0.5, -1, 2, 0, 3, -2, 1.5]];

  it('equal the running sum and product, along any axis', () => {
    const x = tensor(rows);
    const sums = cumsum(x, 1).toArray() as number[][];
    running(rows, (a, b) => a + b).forEach((r, i) => r.forEach((v, j) => expect(sums[i]![j]).toBeCloseTo(v, 5)));
    expect(cumprod(x, -1).toArray()).toEqual(running(rows, (a, b) => a * b));
    expect(cumsum(x, 0).toArray()).toEqual([rows[0], rows[0]!.map((v, j) => v + rows[1]![j]!)]);
    expect(x.cumsum(1).shape).toEqual([2, 7]);
    expect(cumsum(tensor([5]), 0).toArray()).toEqual([5]);
    expect(cumsum(tensor([1, 2, 3], undefined, 'int32'), 0).toArray()).toEqual([1, 3, 6]);
    expect(cumsum(tensor([[]]), 1).shape).toEqual([1, 0]);
  });

  it('gradients check, cumprod\'s exactly at zeros', () => {
    expect(gradCheck((v) => cumsum(v, 1), [randn([3, 9], { dtype: 'float64' })]).ok).toBe(true);
    expect(gradCheck((v) => cumprod(v, 0), [randn([6, 2], { dtype: 'float64' })]).ok).toBe(true);
    // d/dx_k Σ_i Π_{j≤i} x_j at x = [2, 0, 3]: the quotient formula (divide by x_k) would give NaN at the zero.
    const g = grad((v) => cumprod(v, 0).sum())(tensor([2, 0, 3], undefined, 'float64')).toArray();
    expect(g).toEqual([1, 2 + 2 * 3, 0]);
  });

  it('refuse a bad axis and bool input', () => {
    expect(() => cumsum(tensor([1, 2]), 1)).toThrow(ShapeError);
    expect(() => cumprod(tensor([true, false]), 0)).toThrow(DTypeError);
  });
});
