/**
 * The linear-algebra functions users call: batched over leading dims,
 * differentiable, on every backend.
 * @module
 */
import { eye, fmtShape, matmul, ShapeError, type Tensor } from '@nn/tensor';
import { linalgOps } from './ops.js';
import { ensureLinalgPlugin } from './plugin.js';

/** B as a matrix [..., n, k] (a vector [..., n] becomes [..., n, 1]), and how to give the result B's form back. */
function asMatrix(op: string, a: Tensor, b: Tensor): [Tensor, (x: Tensor) => Tensor] {
  if (b.rank === a.rank - 1 && b.shape.at(-1) === a.shape.at(-1)) return [b.reshape([...b.shape, 1]), (x) => x.reshape(b.shape)];
  if (b.rank !== a.rank) throw new ShapeError(`B must be [..., n] or [..., n, k] with A's batch dims: A is ${fmtShape(a.shape)}, B is ${fmtShape(b.shape)}`, op);
  return [b, (x) => x];
}

/**
 * The lower-triangular Cholesky factor L of a symmetric positive-definite
 * A = LLᵀ ([..., n, n]; the symmetric part (A + Aᵀ)/2 is factored). A
 * matrix that is not positive definite is a `LinAlgError` naming the column.
 */
export function cholesky(a: Tensor): Tensor {
  ensureLinalgPlugin();
  return linalgOps.cholesky.run1([a]);
}

/** X with AX = B, for square A [..., n, n] and B [..., n] or [..., n, k] (LU with partial pivoting). Singular or ill-conditioned A is a `LinAlgError`. */
export function solve(a: Tensor, b: Tensor): Tensor {
  ensureLinalgPlugin();
  const [bm, back] = asMatrix('solve', a, b);
  return back(linalgOps.solve.run1([a, bm]));
}

/** X with LX = B (or LᵀX = B with `transpose`), for lower-triangular L. */
export function triangularSolve(l: Tensor, b: Tensor, { transpose = false }: { transpose?: boolean } = {}): Tensor {
  ensureLinalgPlugin();
  const [bm, back] = asMatrix('triangularSolve', l, b);
  return back(linalgOps.triangularSolve.run1([l, bm], { transpose }));
}

/** X with AX = B given A's Cholesky factor L (A = LLᵀ): two triangular solves. */
export function choleskySolve(l: Tensor, b: Tensor): Tensor {
  return triangularSolve(l, triangularSolve(l, b), { transpose: true });
}

/** A⁻¹ for square A (solve with the identity). */
export function inv(a: Tensor): Tensor {
  const n = a.shape.at(-1)!;
  return solve(a, eye(n, n, a.dtype).broadcastTo(a.shape));
}

/**
 * The least-squares solution of AX ≈ B for A [..., m, n] with m ≥ n and full
 * column rank: argmin ‖AX − B‖² + ridge·‖X‖², through the normal equations
 * (AᵀA + ridge·I)X = AᵀB and their Cholesky factor. The normal equations
 * square A's condition number: a rank-deficient or nearly so A is a
 * `LinAlgError` (give `ridge` > 0, ridge regression, to regularise it).
 */
export function lstsq(a: Tensor, b: Tensor, { ridge = 0 }: { ridge?: number } = {}): Tensor {
  if (a.rank < 2) throw new ShapeError(`A must be [..., m, n], got ${fmtShape(a.shape)}`, 'lstsq');
  const n = a.shape.at(-1)!;
  const vector = b.rank === a.rank - 1;
  const bm = vector ? b.reshape([...b.shape, 1]) : b;
  if (bm.shape.at(-2) !== a.shape.at(-2)) throw new ShapeError(`B must have A's ${a.shape.at(-2)} rows: A is ${fmtShape(a.shape)}, B is ${fmtShape(b.shape)}`, 'lstsq');
  let gram = matmul(a, a, { transposeA: true });
  if (ridge > 0) gram = gram.add(eye(n, n, a.dtype).mul(ridge));
  const x = choleskySolve(cholesky(gram), matmul(a, bm, { transposeA: true }));
  return vector ? x.reshape(x.shape.slice(0, -1)) : x;
}
