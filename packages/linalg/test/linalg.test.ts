import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { DTypeError, manualSeed, matmul, randn, ShapeError, type Tensor, tensor } from '@nn/tensor';
import { cholesky, choleskySolve, inv, LinAlgError, lstsq, solve, triangularSolve } from '../src/index.js';

const close = (a: Tensor, b: ArrayLike<number>, digits = 5) => Array.from(a.dataSync() as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits));

/** A random symmetric positive-definite [..., n, n]: M Mᵀ + n I. */
const spd = (shape: number[]) => {
  const m = randn(shape, { dtype: 'float64' });
  const n = shape.at(-1)!;
  return matmul(m, m, { transposeB: true }).add(tensor(Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? n : 0)), [n, n], 'float64'));
};

describe('reference results', () => {
  it('cholesky, solve, triangular solves and the inverse of small matrices worked by hand', () => {
    const A = tensor([[4, 2], [2, 3]], undefined, 'float64');
    close(cholesky(A), [2, 0, 1, Math.SQRT2]);
    close(solve(A, tensor([2, 1], undefined, 'float64')), [0.5, 0]);
    close(inv(A), [3 / 8, -2 / 8, -2 / 8, 4 / 8]);
    const L = tensor([[2, 0], [1, 4]], undefined, 'float64');
    close(triangularSolve(L, tensor([2, 9], undefined, 'float64')), [1, 2]); // 2x = 2, x + 4y = 9
    close(triangularSolve(L, tensor([4, 8], undefined, 'float64'), { transpose: true }), [1, 2]); // Lᵀ: 2x + y = 4, 4y = 8
    // a pivot is needed: the leading entry is 0
    close(solve(tensor([[0, 1], [1, 1]], undefined, 'float64'), tensor([[2], [3]], undefined, 'float64')), [1, 2]);
  });

  it('agree with their definitions on random batches, in float32 and float64', () => {
    manualSeed(1);
    for (const dtype of ['float64', 'float32'] as const) {
      const A = spd([3, 6, 6]).cast(dtype), B = randn([3, 6, 2], { dtype });
      const L = cholesky(A);
      close(matmul(L, L, { transposeB: true }), A.dataSync(), dtype === 'float64' ? 10 : 4);
      close(matmul(A, solve(A, B)), B.dataSync(), dtype === 'float64' ? 10 : 4);
      close(matmul(A, choleskySolve(L, B)), B.dataSync(), dtype === 'float64' ? 10 : 4);
    }
    // least squares: the residual is orthogonal to A's columns
    const A = randn([20, 4], { dtype: 'float64' }), b = randn([20], { dtype: 'float64' });
    const x = lstsq(A, b);
    close(matmul(A, matmul(A, x).sub(b), { transposeA: true }), [0, 0, 0, 0], 8);
    // ridge: (AᵀA + λI) x = Aᵀb
    const xr = lstsq(A, b, { ridge: 2 });
    close(matmul(A, matmul(A, xr), { transposeA: true }).add(xr.mul(2)), matmul(A, b, { transposeA: true }).dataSync(), 8);
  });
});

describe('gradients pass gradCheck (float64)', () => {
  it('solve, triangular solves, cholesky, inv and lstsq', () => {
    manualSeed(3);
    const A = spd([4, 4]), B = randn([4, 2], { dtype: 'float64' });
    const lower = cholesky(spd([4, 4]));
    for (const [name, f, inputs] of [
      ['solve', (a: Tensor, b: Tensor) => solve(a, b), [A, B]],
      ['triangularSolve', (l: Tensor, b: Tensor) => triangularSolve(l.mul(tensor([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], undefined, 'float64')), b), [lower, B]],
      ['triangularSolve (transposed)', (l: Tensor, b: Tensor) => triangularSolve(l.mul(tensor([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], undefined, 'float64')), b, { transpose: true }), [lower, B]],
      ['cholesky', (a: Tensor) => cholesky(a), [A]],
      ['inv', (a: Tensor) => inv(a), [A]],
      ['lstsq', (a: Tensor, b: Tensor) => lstsq(a, b, { ridge: 0.1 }), [randn([7, 3], { dtype: 'float64' }), randn([7, 2], { dtype: 'float64' })]],
    ] as const) {
      const r = gradCheck(f as (...x: Tensor[]) => Tensor, inputs as Tensor[]);
      expect(r.ok, `${name}: ${JSON.stringify(r).slice(0, 300)}`).toBe(true);
    }
  });
});

describe('bad input is a typed error, not a NaN', () => {
  it('singular, ill-conditioned, not positive definite, wrong shapes and dtypes', () => {
    expect(() => solve(tensor([[1, 2], [2, 4]], undefined, 'float64'), tensor([1, 1], undefined, 'float64'))).toThrow(LinAlgError);
    expect(() => solve(tensor([[1, 2], [2, 4]]), tensor([1, 1]))).toThrow(/singular to working precision/);
    expect(() => solve(tensor([[1, 0], [0, 1e-6]]), tensor([1, 1]))).toThrow(/ill-conditioned: its pivots span 1\.0e\+6/); // float32
    expect(solve(tensor([[1, 0], [0, 1e-6]], undefined, 'float64'), tensor([1, 1], undefined, 'float64')).dataSync()[1]).toBeCloseTo(1e6, 3); // fine in float64
    expect(() => cholesky(tensor([[1, 2], [2, 1]]))).toThrow(/not positive definite: the pivot of column 1/);
    expect(() => cholesky(tensor([[NaN, 0], [0, 1]]))).toThrow(/the input has NaN/);
    expect(() => lstsq(tensor([[1, 2], [2, 4], [3, 6]]), tensor([1, 2, 3]))).toThrow(LinAlgError); // rank 1
    expect(() => triangularSolve(tensor([[1, 0], [1, 0]]), tensor([1, 1]))).toThrow(/singular: diagonal entry 1/);
    expect(() => solve(randn([3, 4]), randn([3]))).toThrow(ShapeError);
    expect(() => solve(randn([3, 3]), randn([4]))).toThrow('B must be [..., n] or [..., n, k] with A\'s batch dims: A is [3,3], B is [4]');
    expect(() => solve(randn([3, 3]), randn([4, 2]))).toThrow(/B must be \[\.\.\., 3, k\]/);
    expect(() => cholesky(tensor([[1, 0], [0, 1]], undefined, 'int32'))).toThrow(DTypeError);
  });
});
