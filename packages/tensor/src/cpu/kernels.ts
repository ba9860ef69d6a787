/**
 * Every cpu kernel.
 * @module
 */
import type { KernelDef } from '../registry.js';
import { elementwiseKernels } from './elementwise.js';
import { indexingKernels } from './indexing.js';
import { layoutKernels } from './layout.js';
import { fusedKernels } from './fused.js';
import { linalgKernels } from './matmul.js';
import { randomKernels } from './random.js';
import { reduceKernels } from './reduce.js';

/**
 * The cpu backend's kernels for every core primitive. A function, not a
 * list built at load time: the kernel modules and the engine import each
 * other, so whichever module loads first, the lists exist only once all have.
 */
export function cpuKernels(): KernelDef[] {
  return [...elementwiseKernels(), ...reduceKernels(), ...linalgKernels(), ...fusedKernels(), ...layoutKernels(), ...indexingKernels(), ...randomKernels()];
}
