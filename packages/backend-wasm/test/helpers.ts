import { expect } from 'vitest';
import { randn, setBackend, type Tensor, tensor, tidy } from '@nn/tensor';

/** Runs `fn` on fresh copies of `inputs` on one backend and returns the output values. */
export function runOn(backend: 'cpu' | 'wasm', inputs: readonly { values: Float32Array; shape: number[] }[], fn: (...xs: Tensor[]) => Tensor): { shape: number[]; values: Float32Array } {
  void setBackend(backend);
  return tidy(() => {
    const xs = inputs.map((i) => tensor(i.values.slice(), i.shape));
    const y = fn(...xs);
    return { shape: [...y.shape], values: Float32Array.from(y.dataSync()) };
  });
}

/** Random float32 input values of a shape (generated on cpu). */
export function input(shape: number[]): { values: Float32Array; shape: number[] } {
  void setBackend('cpu');
  return tidy(() => ({ values: Float32Array.from(randn(shape).dataSync()), shape }));
}

/** Asserts that `fn` gives the same shape and values (to `tol`, relative to the largest value) on cpu and wasm. */
export function expectAgree(inputs: readonly { values: Float32Array; shape: number[] }[], fn: (...xs: Tensor[]) => Tensor, tol = 1e-5): void {
  const c = runOn('cpu', inputs, fn);
  const w = runOn('wasm', inputs, fn);
  expect(w.shape).toEqual(c.shape);
  const scale = c.values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 1);
  for (let i = 0; i < c.values.length; i++) {
    const a = c.values[i]!, b = w.values[i]!;
    if (!Number.isFinite(a)) {
      expect(b, `element ${i}`).toBe(a);
      continue;
    }
    if (Math.abs(a - b) > tol * scale) expect(b, `element ${i} of ${c.values.length}`).toBeCloseTo(a, 4);
  }
}
