/**
 * Gradient of matmul, for every combination of transposed operands.
 * @module
 */
import { matmul, type MatmulAttrs } from '@nn/tensor';
import type { Rule } from './rule.js';
import { sumTo } from './sum-to.js';


/** C = op(A) op(B): each cotangent is another matmul, with the transposes folded into its flags. */
export const matmulRule: Rule<MatmulAttrs> = ([dc], { inputs: [a, b], attrs: { transposeA: tA, transposeB: tB } }) => {
  const da = tA ? matmul(b!, dc!, { transposeA: tB, transposeB: true }) : matmul(dc!, b!, { transposeB: !tB });
  const db = tB ? matmul(dc!, a!, { transposeA: true, transposeB: tA }) : matmul(a!, dc!, { transposeA: !tA });
  return [sumTo(da, a!.shape), sumTo(db, b!.shape)];
};
