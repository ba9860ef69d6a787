import { describe, expect, it } from 'vitest';
import { randn, tensor } from '@nn/tensor';
import { grad, gradCheck } from '../src/index.js';

describe('second derivatives (grad of grad)', () => {
  it('d²/dx² of x³ is 6x', () => {
    const x = tensor([0.5, -1, 2]);
    const d2 = grad((y) => grad((z) => z.pow(3).sum())(y).sum())(x);
    expect(Array.from(d2.dataSync())).toEqual([3, -6, 12]);
  });

  it('d²/dx² of tanh is -2 tanh (1 - tanh²)', () => {
    const x = tensor([0.5, -1, 2], undefined, 'float64');
    const d2 = grad((y) => grad((z) => z.tanh().sum())(y).sum())(x).dataSync();
    [0.5, -1, 2].forEach((v, i) => expect(d2[i]).toBeCloseTo(-2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2), 10));
  });

  it('gradCheck of first derivatives, checked by their own gradient', () => {
    const cases: [string, (x: ReturnType<typeof randn>) => ReturnType<typeof randn>][] = [
      ['sigmoid', (x) => grad((y) => y.sigmoid().sum())(x)],
      ['exp * sin', (x) => grad((y) => y.exp().mul(y.sin()).sum())(x)],
      ['softmax-style logsumexp', (x) => grad((y) => y.logsumexp(1).sum())(x)],
      ['matmul then tanh', (x) => grad((y) => y.matmul(y.transpose()).tanh().sum())(x)],
      ['division', (x) => grad((y) => y.div(y.mul(y).add(1)).sum())(x)],
    ];
    for (const [name, f] of cases) {
      const r = gradCheck(f, [randn([2, 3])], { tolerance: 1e-5 });
      expect(r.ok, `${name}: ${JSON.stringify(r.maxRelativeError)}`).toBe(true);
    }
  });

  it('third derivative of x⁴ is 24x', () => {
    const d = (f: (x: ReturnType<typeof tensor>) => ReturnType<typeof tensor>) => (x: ReturnType<typeof tensor>) => grad((y) => f(y).sum())(x);
    const d3 = d(d(d((x) => x.pow(4))))(tensor([1, 2]));
    expect(Array.from(d3.dataSync())).toEqual([24, 48]);
  });
});
