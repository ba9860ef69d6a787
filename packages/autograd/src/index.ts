/**
 * @nn/autograd: reverse-mode automatic differentiation for nn.
 *
 * Two styles over one tape. Functional, as in JAX and TensorFlow.js:
 * `grad(f)(x)` returns df/dx. PyTorch style: `requiresGrad(w)`, compute a
 * scalar `loss`, call `loss.backward()`, read `w.grad`. Second order:
 * `hvp` (Hessian-vector) and `jvp` (Jacobian-vector) products.
 *
 * @example
 * ```ts
 * import { tensor } from '@nn/tensor';
 * import { grad, requiresGrad } from '@nn/autograd';
 *
 * grad((x) => x.mul(x).sum())(tensor([1, 2, 3])).toArray(); // [2, 4, 6]
 *
 * const w = requiresGrad(tensor([1, 2, 3]));
 * w.mul(w).sum().backward();
 * w.grad!.toArray(); // [2, 4, 6]
 * ```
 * @packageDocumentation
 */
export { installAutograd, requiresGrad, noGrad, detach, grad, valueAndGrad, vjp, type TensorFn } from './functional.js';
export { jvp, hvp } from './second-order.js';
export { gradCheck, type GradCheckOptions, type GradCheckResult } from './gradcheck.js';
export { Tape, backwardFrom, type Node, type BackwardOptions } from './tape.js';
export { rules, coreGradients, sumTo, unreduce, type GradOp, type Rule } from './gradients/index.js';
export type { ElementwiseGradOp } from './gradients/elementwise.js';
export type { ReduceGradOp } from './gradients/reduce.js';
export type { LayoutGradOp } from './gradients/layout.js';
