/**
 * Gradients of the elementwise primitives.
 * @module
 */
import { cast, type CoreOps, elementwiseComposites, type Tensor, where, zerosLike } from '@nn/tensor';
import type { RulesFor } from '@nn/tensor/kernel';
import type { Rule } from './rule.js';
import { sumTo } from './sum-to.js';

/** Names of the differentiable elementwise primitives. */
export type ElementwiseGradOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'reluBackward'
  | 'floor' | 'ceil' | 'round' | 'where';

/** A rule for ops whose gradient is zero almost everywhere (step functions). */
const zeroGradient: Rule = (_, { inputs: [x] }) => [zerosLike(x!)];

/** Splits a tie evenly between both operands, as PyTorch does for maximum/minimum. */
function pickMask(first: Tensor, tie: Tensor): Tensor {
  return cast(first, tie.dtype === 'bool' ? 'float32' : tie.dtype).add(cast(tie, 'float32').mul(0.5));
}

/** Gradient rules of the elementwise primitives. */
export const elementwiseRules: RulesFor<CoreOps, ElementwiseGradOp> = {
  add: ([dy], { inputs: [a, b] }) => [sumTo(dy!, a!.shape), sumTo(dy!, b!.shape)],
  sub: ([dy], { inputs: [a, b] }) => [sumTo(dy!, a!.shape), sumTo(dy!.neg(), b!.shape)],
  mul: ([dy], { inputs: [a, b] }) => [sumTo(dy!.mul(b!), a!.shape), sumTo(dy!.mul(a!), b!.shape)],
  div: ([dy], { inputs: [a, b] }) => [sumTo(dy!.div(b!), a!.shape), sumTo(dy!.mul(a!).div(b!.mul(b!)).neg(), b!.shape)],
  pow: ([dy], { inputs: [a, b], outputs: [y] }) => [
    sumTo(dy!.mul(b!).mul(a!.pow(b!.sub(1))), a!.shape),
    // d(a^b)/db = a^b ln a, taken as 0 where a <= 0 (where ln a is undefined), as PyTorch does at a = 0.
    sumTo(dy!.mul(where(a!.gt(0), y!.mul(a!.where(a!.gt(0), 1).log()), 0)), b!.shape),
  ],
  maximum: ([dy], { inputs: [a, b] }) => {
    const m = pickMask(a!.gt(b!), a!.eq(b!)).cast(dy!.dtype);
    return [sumTo(dy!.mul(m), a!.shape), sumTo(dy!.mul(m.neg().add(1)), b!.shape)];
  },
  minimum: ([dy], { inputs: [a, b] }) => {
    const m = pickMask(a!.lt(b!), a!.eq(b!)).cast(dy!.dtype);
    return [sumTo(dy!.mul(m), a!.shape), sumTo(dy!.mul(m.neg().add(1)), b!.shape)];
  },
  neg: ([dy]) => [dy!.neg()],
  abs: ([dy], { inputs: [x] }) => [dy!.mul(x!.sign())],
  sign: zeroGradient,
  floor: zeroGradient,
  ceil: zeroGradient,
  round: zeroGradient,
  exp: ([dy], { outputs: [y] }) => [dy!.mul(y!)],
  log: ([dy], { inputs: [x] }) => [dy!.div(x!)],
  sqrt: ([dy], { outputs: [y] }) => [dy!.div(y!.mul(2))],
  rsqrt: ([dy], { outputs: [y] }) => [dy!.mul(y!.mul(y!).mul(y!)).mul(-0.5)],
  sin: ([dy], { inputs: [x] }) => [dy!.mul(x!.cos())],
  cos: ([dy], { inputs: [x] }) => [dy!.mul(x!.sin()).neg()],
  tanh: ([dy], { outputs: [y] }) => [dy!.mul(y!.mul(y!).neg().add(1))],
  sigmoid: ([dy], { outputs: [y] }) => [dy!.mul(y!.mul(y!.neg().add(1)))],
  relu: ([dy], { inputs: [x] }) => [elementwiseComposites.reluBackward.run1([dy!, x!])],
  // linear in dy with the same mask; the mask's derivative in x is zero almost everywhere
  reluBackward: ([ddx], { inputs: [, x] }) => [elementwiseComposites.reluBackward.run1([ddx!, x!]), zerosLike(x!)],
  where: ([dy], { inputs: [c, a, b] }) => [null, sumTo(where(c!, dy!, 0), a!.shape), sumTo(where(c!, 0, dy!), b!.shape)],
};
