/**
 * Every op front-end, and the descriptors of the core op set.
 * @module
 */
import type { OpDef } from '../registry.js';
import { elementwiseOpDefs } from './elementwise.js';
import { fusedOpDefs } from './fused.js';
import { indexingOpDefs } from './indexing.js';
import { layoutOpDefs } from './layout.js';
import { linalgOpDefs } from './linalg.js';
import { randomOpDefs } from './random.js';
import { reduceOpDefs } from './reduce.js';
import { scanOpDefs } from './scan.js';

export * from './create.js';
export * from './elementwise.js';
export * from './fused.js';
export * from './indexing.js';
export * from './layout.js';
export * from './linalg.js';
export * from './random.js';
export * from './reduce.js';
export * from './scan.js';
export type * from './window-attrs.js';

/**
 * Descriptors of the core op set (primitives and composites). A function,
 * not a list built at load time: the op modules and the engine import each
 * other, so whichever module loads first, the lists exist only once all have.
 */
export function coreOpDefs(): OpDef[] {
  return [...elementwiseOpDefs, ...reduceOpDefs, ...linalgOpDefs, ...fusedOpDefs, ...layoutOpDefs, ...indexingOpDefs, ...randomOpDefs, ...scanOpDefs];
}
