import { describe, expect, it } from 'vitest';
import { activationOps, tensor, type DType, type Tensor } from '@nn/tensor';
import { ensureActivations } from '../src/plugin.js';

const values = [-60, -8, -3, -1, -0.2, 0, 0.2, 1, 3, 8, 60];

function maxError(actual: Tensor, expected: Tensor): number {
  const a = actual.toArray() as number[], e = expected.toArray() as number[];
  expect(a.some(Number.isNaN)).toBe(false);
  return Math.max(...a.map((v, i) => Math.abs(v - e[i]!) / Math.max(1, Math.abs(e[i]!))));
}

describe('the activation composites', () => {
  ensureActivations();
  const cases: [keyof typeof activationOps, Record<string, unknown>][] = [
    ['leakyRelu', { slope: 0.1 }],
    ['elu', { alpha: 1.5 }],
    ['erf', {}],
    ['gelu', { approximate: 0 }],
    ['gelu', { approximate: 1 }],
    ['softmax', { axis: -1 }],
    ['logSoftmax', { axis: 0 }],
  ];
  for (const dtype of ['float32', 'float64'] as DType[]) {
    it(`equal the fused cpu kernels in ${dtype}`, () => {
      const x = tensor(values, undefined, dtype);
      for (const [name, attrs] of cases) {
        const op = activationOps[name] as { composite(i: Tensor[], a: unknown): Tensor[]; run1(i: Tensor[], a: unknown): Tensor };
        // erf's composite is the rational approximation (A&S 7.1.26): 1.5e-7 at worst, in either dtype.
        const tol = name === 'erf' || (name === 'gelu' && attrs.approximate === 0) ? 2e-7 : dtype === 'float32' ? 3e-7 : 1e-14;
        expect(maxError(op.composite([x], attrs)[0]!, op.run1([x], attrs)), `${name} ${JSON.stringify(attrs)}`).toBeLessThanOrEqual(tol);
      }
    });
  }

  it('softmax along a middle axis sums to one', () => {
    const x = tensor([[[1, 2], [3, 4], [5, 100]]]);
    const y = activationOps.softmax.composite([x], { axis: 1 })[0]!;
    expect((y.sum(1).toArray() as number[][])[0]!.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1, 1]);
  });
});
