/**
 * The gradient table: one rule per differentiable primitive (and for the
 * composites whose own rule is better than differentiating their parts).
 * @module
 */
import type { CoreOps, GradientDef } from '@nn/tensor';
import { type GradientTable, gradientsOf } from '@nn/tensor/kernel';
import { type ElementwiseGradOp, elementwiseRules } from './elementwise.js';
import { type LayoutGradOp, layoutRules } from './layout.js';
import { matmulRule } from './linalg.js';
import { type ReduceGradOp, reduceRules } from './reduce.js';
import type { Rule } from './rule.js';

/** Every op of @nn/tensor that has a gradient rule. */
export type GradOp = ElementwiseGradOp | ReduceGradOp | LayoutGradOp | 'matmul';

/**
 * The rule table, typed by the catalog of @nn/tensor: a differentiable
 * primitive added there without a rule here (or a rule reading attributes
 * its op lacks) does not compile.
 */
export const rules: GradientTable<CoreOps> = {
  ...elementwiseRules,
  ...reduceRules,
  ...layoutRules,
  matmul: matmulRule,
};

/** The rules as registry gradient definitions. */
export const coreGradients: GradientDef[] = gradientsOf(rules);

export { sumTo, unreduce } from './sum-to.js';
export type { Rule } from './rule.js';
