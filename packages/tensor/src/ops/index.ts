/**
 * Every op front-end, and the descriptors of the core op set.
 * @module
 */
import type { OpDef } from '../registry.js';
import { activationOpDefs } from './activation.js';
import { convOpDefs } from './conv.js';
import { elementwiseOpDefs } from './elementwise.js';
import { fusedOpDefs } from './fused.js';
import { indexingOpDefs } from './indexing.js';
import { layoutOpDefs } from './layout.js';
import { linalgOpDefs } from './linalg.js';
import { normOpDefs } from './norm.js';
import { poolOpDefs } from './pool.js';
import { randomOpDefs } from './random.js';
import { recurrentCellOpDefs } from './recurrent-cells.js';
import { reduceOpDefs } from './reduce.js';
import { scanOpDefs } from './scan.js';

export * from './activation.js';
export * from './conv.js';
export * from './create.js';
export * from './elementwise.js';
export * from './fused.js';
export * from './indexing.js';
export * from './layout.js';
export * from './linalg.js';
export * from './norm.js';
export * from './pool.js';
export * from './random.js';
export { recurrentCellOps, recurrentCellOpDefs, type IndRnnAttrs, type IndRnnNonlinearity } from './recurrent-cells.js';
export * from './reduce.js';
export * from './scan.js';
export type * from './window-attrs.js';
export * from './window-shape.js';

import type { elementwiseComposites, elementwiseOps } from './elementwise.js';
import type { fusedOps } from './fused.js';
import type { indexingOps } from './indexing.js';
import type { layoutOps } from './layout.js';
import type { linalgOps } from './linalg.js';
import type { randomOps } from './random.js';
import type { reduceComposites, reduceOps } from './reduce.js';
import type { scanOps } from './scan.js';

/**
 * The catalog of the general-purpose ops (elementwise, reductions, linear
 * algebra, layout, indexing, random, scans), whose gradients @nn/autograd
 * holds: `GradientTable<CoreOps>` there is a compile error until every
 * differentiable primitive has a rule. (The conv, pooling, activation and
 * recurrent-cell catalogs are checked by the packages holding their rules.)
 */
export type CoreOps = typeof elementwiseOps & typeof elementwiseComposites & typeof reduceOps & typeof reduceComposites & typeof linalgOps & typeof fusedOps & typeof layoutOps & typeof indexingOps & typeof randomOps & typeof scanOps;

/**
 * Descriptors of the core op set (primitives and composites). A function,
 * not a list built at load time: the op modules and the engine import each
 * other, so whichever module loads first, the lists exist only once all have.
 */
export function coreOpDefs(): OpDef[] {
  return [...elementwiseOpDefs, ...activationOpDefs, ...reduceOpDefs, ...linalgOpDefs, ...fusedOpDefs, ...layoutOpDefs, ...indexingOpDefs, ...randomOpDefs, ...scanOpDefs, ...convOpDefs, ...poolOpDefs, ...normOpDefs, ...recurrentCellOpDefs];
}
