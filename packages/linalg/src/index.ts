/**
 * @nn/linalg: Cholesky factorisation, linear solves (general and
 * triangular), the inverse and least squares, batched, differentiable
 * (gradients pass gradCheck) and on every backend.
 *
 * @example
 * ```ts
 * import { cholesky, solve } from '@nn/linalg';
 * import { tensor } from '@nn/tensor';
 * const A = tensor([[4, 2], [2, 3]]);
 * const x = solve(A, tensor([2, 1]));     // [0.5, 0]
 * const L = cholesky(A);                  // [[2, 0], [1, 1.414]]
 * ```
 * @packageDocumentation
 */
export { cholesky, solve, triangularSolve, choleskySolve, inv, lstsq } from './functions.js';
export { LinAlgError } from './errors.js';
export { linalgPlugin, ensureLinalgPlugin } from './plugin.js';
export { linalgOps, type TriangularSolveAttrs } from './ops.js';
