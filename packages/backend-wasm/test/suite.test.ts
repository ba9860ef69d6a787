import { describe, expect, it } from 'vitest';
import { setBackend, use } from '@nn/tensor';
import { assertBackendConformance, checkBackend } from '@nn/testing';
import { wasmPlugin } from '../src/index.js';

describe('the @nn/testing whole-backend suite', () => {
  it('passes on wasm: every core op family agrees with cpu', async () => {
    use(wasmPlugin);
    await setBackend('wasm');
    await setBackend('cpu');
    expect(checkBackend('wasm').length).toBeGreaterThan(50);
    expect(() => assertBackendConformance('wasm')).not.toThrow();
  });
});

describe('constant tensors are filled in wasm memory', () => {
  it('zeros, ones and full on a reused block hold their value, not the old data', async () => {
    const { full, ones, tensor, zeros } = await import('@nn/tensor');
    use(wasmPlugin);
    await setBackend('wasm');
    try {
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        tensor([7, 7, 7, 7, 7], undefined, dtype).dispose();
        const z = zeros([5], dtype);
        expect(z.backend).toBe('wasm');
        expect(z.toArray()).toEqual(dtype === 'bool' ? [false, false, false, false, false] : [0, 0, 0, 0, 0]);
        z.dispose();
      }
      expect(ones([2, 3]).toArray()).toEqual([[1, 1, 1], [1, 1, 1]]);
      expect(full([2], 2.5).toArray()).toEqual([2.5, 2.5]);
      expect(full([2], 2.5, 'int32').toArray()).toEqual([2, 2]);
      expect(zeros([0]).size).toBe(0);
    } finally {
      await setBackend('cpu');
    }
  });
});
