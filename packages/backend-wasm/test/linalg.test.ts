import { describe, it } from 'vitest';
import { grad } from '@nn/autograd';
import { cholesky, lstsq, solve } from '@nn/linalg';
import { eye, matmul, type Tensor, use } from '@nn/tensor';
import { wasmPlugin } from '../src/index.js';
import { expectAgree, input } from './helpers.js';

use(wasmPlugin);

/** A well-conditioned symmetric positive-definite matrix from any square one: A Aᵀ + n·I. */
const spd = (a: Tensor) => matmul(a, a, { transposeB: true }).add(eye(a.shape[0]!).mul(a.shape[0]!));

describe('@nn/linalg on wasm (its cpu kernels through the host fallback) agrees with cpu', () => {
  it('solve, cholesky and lstsq, and their gradients', () => {
    const a = input([5, 5]), b = input([5, 2]), tall = input([8, 3]), y = input([8, 2]);
    expectAgree([a, b], (m, r) => solve(spd(m), r), 1e-4);
    expectAgree([a], (m) => cholesky(spd(m)), 1e-4);
    expectAgree([tall, y], (m, r) => lstsq(m, r), 1e-4);
    expectAgree([a, b], (m, r) => grad((s: Tensor) => solve(spd(s), r).square().sum())(m), 1e-4);
    expectAgree([tall, y], (m, r) => grad((s: Tensor) => lstsq(s, r).square().sum())(m), 1e-4);
  });
});
