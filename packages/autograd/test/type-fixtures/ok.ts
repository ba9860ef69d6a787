// Compiles: the control for the two fixtures that must not.
import { convOps, type CoreOps, defineOp } from '@nn/tensor';
import { cpuKernel, type GradientTable } from '@nn/tensor/kernel';
import { rules } from '../../src/gradients/index.js';

const newOps = { cube: defineOp({ name: 'fixture.cube', inputs: ['x'], infer: ([x]) => [x!] }) };
export const extended: GradientTable<CoreOps & typeof newOps> = { ...rules, cube: ([dy], { inputs: [x] }) => [dy!.mul(x!.square()).mul(3)] };
export const kernel = cpuKernel(convOps.conv2d, ([x], attrs) => [x!.data.map((v) => v * attrs.groups)]);
