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

/** The cpu backend's kernels for every core primitive. */
export const cpuKernels: KernelDef[] = [...elementwiseKernels, ...reduceKernels, ...linalgKernels, ...fusedKernels, ...layoutKernels, ...indexingKernels, ...randomKernels];
