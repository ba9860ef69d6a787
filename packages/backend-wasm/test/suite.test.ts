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
