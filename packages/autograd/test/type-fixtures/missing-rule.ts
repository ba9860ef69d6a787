// Must not compile: a new differentiable primitive with no gradient rule.
import { type CoreOps, defineOp } from '@nn/tensor';
import type { GradientTable } from '@nn/tensor/kernel';
import { rules } from '../../src/gradients/index.js';

const newOps = { cube: defineOp({ name: 'fixture.cube', inputs: ['x'], infer: ([x]) => [x!] }) };
export const extended: GradientTable<CoreOps & typeof newOps> = { ...rules };
