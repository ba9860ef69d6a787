/**
 * The gradient table: one rule per differentiable primitive (and for the
 * composites whose own rule is better than differentiating their parts).
 * @module
 */
import type { GradientDef } from '@nn/tensor';
import { type ElementwiseGradOp, elementwiseRules } from './elementwise.js';
import { type LayoutGradOp, layoutRules } from './layout.js';
import { matmulRule } from './linalg.js';
import { type ReduceGradOp, reduceRules } from './reduce.js';
import type { Rule } from './rule.js';

/** Every op of @nn/tensor that has a gradient rule. */
export type GradOp = ElementwiseGradOp | ReduceGradOp | LayoutGradOp | 'matmul';

/** The rule table: typed so that leaving out an op is a compile error. */
export const rules: { [P in GradOp]: Rule } = {
  ...elementwiseRules,
  ...reduceRules,
  ...layoutRules,
  matmul: matmulRule,
};

/** The rules as registry gradient definitions. */
export const coreGradients: GradientDef[] = Object.entries(rules).map(([op, vjp]) => ({ op, vjp }));

export { sumTo, unreduce } from './sum-to.js';
export type { Rule } from './rule.js';
