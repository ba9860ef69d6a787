import { describe, expect, it } from 'vitest';
import { elementwiseComposites, tensor, type DType, type Tensor } from '../src/index.js';

const values = [-100, -20, -3, -1, -1e-3, 0, 1e-3, 0.5, 2, 20, 100];

function close(actual: Tensor, expected: Tensor, tol: number): void {
  const a = actual.toArray() as number[], e = expected.toArray() as number[];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    expect(Number.isNaN(v), `entry ${i} is NaN`).toBe(false);
    expect(Math.abs(v - e[i]!), `entry ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]!)));
  });
}

describe('the elementwise composites', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    const tol = dtype === 'float32' ? 2e-7 : 1e-15;
    it(`equal the fused kernels in ${dtype}, extremes included`, () => {
      const x = tensor(values, undefined, dtype);
      for (const [name, op] of Object.entries(elementwiseComposites)) {
        if (name === 'reluBackward') continue;
        const input = name === 'rsqrt' ? x.abs().add(1e-3) : x;
        // The composite as a backend without a kernel runs it, next to the cpu kernel.
        close(op.composite([input], {})[0]!, op.run1([input]), name === 'tanh' ? 4 * tol : tol);
      }
    });
  }

  it(`reluBackward's kernel passes dy where x > 0 and zero elsewhere, as its composite`, () => {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      const x = tensor(values, undefined, dtype), dy = tensor(values.map((v, i) => i - v), undefined, dtype);
      const got = elementwiseComposites.reluBackward.run1([dy, x]);
      close(got, elementwiseComposites.reluBackward.composite([dy, x], {})[0]!, 0);
      expect(got.toArray()).toEqual(tensor(values.map((v, i) => (v > 0 ? i - v : 0)), undefined, dtype).toArray());
    }
    expect(() => elementwiseComposites.reluBackward.run1([tensor([1, 2]), tensor([1, 2, 3])])).toThrow('reluBackward: dy [2] and x [3] must have the same shape');
  });

  it('relu keeps integer dtypes', () => {
    const y = elementwiseComposites.relu.composite([tensor([-2, 0, 3], undefined, 'int32')], {})[0]!;
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([0, 0, 3]);
  });
});
