import * as nn from '@nn/tensor';
import { testValues } from '@nn/testing';
import { expect } from 'vitest';
import { webgpuPlugin } from '../src/index.js';

/** Starts the webgpu backend; fails (never skips) when there is no adapter. */
export async function startWebGPU(): Promise<void> {
  nn.use(webgpuPlugin);
  await nn.setBackend('webgpu');
  await nn.setBackend('cpu');
}

/** Deterministic float32 values in [-2, 2), as host arrays (so both backends get the same inputs). */
export const values = testValues;

/** Runs `fn` on cpu and on webgpu and expects the same outputs (read asynchronously on webgpu). */
export async function agree(fn: () => nn.Tensor | nn.Tensor[], tolerance = 1e-5): Promise<void> {
  await nn.setBackend('cpu');
  const expected = nn.tidy(() => [fn()].flat().map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) })));
  await nn.setBackend('webgpu');
  try {
    const outs = nn.tidy(() => [fn()].flat());
    try {
      expect(outs.length).toBe(expected.length);
      for (const [k, t] of outs.entries()) {
        const e = expected[k]!;
        expect(t.backend).toBe('webgpu');
        expect(t.shape).toEqual(e.shape);
        expect(t.dtype).toBe(e.dtype);
        const got = Array.from(await t.data());
        for (let i = 0; i < got.length; i++) {
          const a = got[i]!, b = e.values[i]!;
          if (Number.isNaN(b)) expect(a, `output ${k} value ${i}`).toBeNaN();
          else if (Math.abs(a - b) > tolerance * (1 + Math.abs(b))) expect(a, `output ${k} value ${i}`).toBe(b);
        }
        expect(got.length).toBe(e.values.length);
      }
    } finally {
      for (const t of outs) t.dispose();
    }
  } finally {
    await nn.setBackend('cpu');
  }
}
