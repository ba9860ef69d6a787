import { describe, expect, it } from 'vitest';
import { convOps, createEngine, normOps, poolOps } from '@nn/tensor';
import { convPlugin } from '../src/index.js';

describe('the convolution plugin', () => {
  it('gives every conv and pooling primitive of @nn/tensor a cpu kernel and a gradient', () => {
    const registry = createEngine(convPlugin).registry;
    const primitives = [...Object.keys(convOps), ...Object.keys(poolOps)].filter((op) => registry.op(op).composite === undefined);
    expect(primitives.sort()).toEqual(['avgPool2d', 'avgPool2dBackward', 'conv2d', 'conv2dBackpropFilter', 'conv2dBackpropInput', 'maxPool2d', 'maxPool2dBackward', 'maxUnpool2d', 'spatialGather']);
    for (const op of primitives) {
      expect(registry.kernel(op, 'cpu'), op).toBeDefined();
      expect(registry.gradient(op), op).toBeDefined();
    }
    // The composites run as other ops; fusedConv2d also has a fused cpu kernel.
    expect(registry.op('convTranspose2d').composite).toBeTypeOf('function');
    expect(registry.kernel('fusedConv2d', 'cpu')).toBeDefined();
    // batch norm's ops are composites with cpu kernels here, and batchNorm has a gradient of its own
    for (const op of Object.keys(normOps)) expect(registry.kernel(op, 'cpu'), op).toBeDefined();
    expect(registry.gradient('batchNorm')).toBeDefined();
  });
});
