/**
 * Gradients of the linear-algebra ops, written in ops (so they run on
 * every backend and differentiate again):
 * - X = A⁻¹B: B̄ = A⁻ᵀX̄, Ā = −B̄Xᵀ;
 * - X = L⁻¹B (lower L): B̄ = L⁻ᵀX̄, L̄ = −tril(B̄Xᵀ); with Lᵀ: B̄ = L⁻¹X̄, L̄ = −tril(XB̄ᵀ);
 * - L = chol(A): Ā = sym(L⁻ᵀ Φ(LᵀL̄) L⁻¹), Φ the lower triangle with the
 *   diagonal halved (Murray 2016), sym(S) = (S + Sᵀ)/2, since the kernel
 *   factors the symmetric part of A.
 * @module
 */
import { type GradientDef, matmul, type Tensor, tensor } from '@nn/tensor';
import { gradientsOf } from '@nn/tensor/kernel';
import { linalgOps } from './ops.js';

const { solve, triangularSolve } = linalgOps;

/** Swaps the last two dims. */
const mT = (t: Tensor) => t.transpose(-1, -2);

/** The lower-triangular mask of an n x n matrix, with `diagonal` on the diagonal. */
function lowerMask(n: number, dtype: Tensor['dtype'], diagonal = 1): Tensor {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = i === j ? diagonal : 1;
  return tensor(m, [n, n], 'float64').cast(dtype);
}

export const linalgGradients: GradientDef[] = gradientsOf({
  'linalg.solve': ([dx], { inputs: [a], outputs: [x] }) => {
    const db = solve.run1([mT(a!), dx!]);
    return [matmul(db, x!, { transposeB: true }).neg(), db];
  },
  'linalg.triangularSolve': ([dx], { inputs: [l], outputs: [x], attrs: { transpose } }) => {
    const db = triangularSolve.run1([l!, dx!], { transpose: !transpose });
    const outer = transpose ? matmul(x!, db, { transposeB: true }) : matmul(db, x!, { transposeB: true });
    return [outer.mul(lowerMask(l!.shape.at(-1)!, l!.dtype)).neg(), db];
  },
  'linalg.cholesky': ([dl], { outputs: [l] }) => {
    const n = l!.shape.at(-1)!;
    const phi = matmul(l!, dl!, { transposeA: true }).mul(lowerMask(n, l!.dtype, 0.5));
    // S = L⁻ᵀ Φ L⁻¹: Z = L⁻ᵀΦ, then S = (L⁻ᵀ Zᵀ)ᵀ.
    const z = triangularSolve.run1([l!, phi], { transpose: true });
    const s = mT(triangularSolve.run1([l!, mT(z)], { transpose: true }));
    return [s.add(mT(s)).mul(0.5)];
  },
});
