import { describe, expect, it, vi } from 'vitest';
import { type FusedActivation, getEngine, getRegistry, linear, matmul, randn, ShapeError, type Tensor, ValueError } from '../src/index.js';

/** The written-out form: matmul, bias, activation as separate ops. */
function unfused(x: Tensor, w: Tensor, b: Tensor, act: FusedActivation | null): Tensor {
  const y = matmul(x, w, { transposeB: true }).add(b);
  return act === null ? y : (y as unknown as Record<string, () => Tensor>)[act.op]!.call(y);
}

function expectClose(a: Tensor, b: Tensor, tol: number): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  const av = a.dataSync(), bv = b.dataSync();
  for (let i = 0; i < av.length; i++) expect(Math.abs(av[i]! - bv[i]!), `element ${i}`).toBeLessThanOrEqual(tol);
}

describe('linear (the fusedLinear op)', () => {
  it('equals matmul + bias + activation, for every core activation, batch dims and float64', () => {
    for (const act of [null, { op: 'relu' }, { op: 'sigmoid' }, { op: 'tanh' }] as (FusedActivation | null)[]) {
      for (const [xs, dtype] of [[[5, 7], 'float32'], [[2, 3, 7], 'float32'], [[7], 'float32'], [[4, 7], 'float64'], [[0, 7], 'float32']] as const) {
        const x = randn([...xs], { dtype }), w = randn([6, 7], { dtype }), b = randn([6], { dtype });
        expectClose(linear(x, w, b, { activation: act }), unfused(x, w, b, act), dtype === 'float64' ? 1e-12 : 1e-5);
      }
    }
  });

  it('runs as one kernel, not three ops', () => {
    const backend = getEngine().backend().name;
    const spy = vi.spyOn(getRegistry().kernel('fusedLinear', backend)!, 'run');
    const mm = vi.spyOn(getRegistry().kernel('matmul', backend)!, 'run');
    linear(randn([2, 3]), randn([4, 3]), randn([4]), { activation: { op: 'relu' } });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(mm).not.toHaveBeenCalled();
    spy.mockRestore();
    mm.mockRestore();
  });

  it('without a bias is a matmul followed by the activation', () => {
    const x = randn([3, 5]), w = randn([2, 5]);
    expectClose(linear(x, w, null, { activation: { op: 'tanh' } }), matmul(x, w, { transposeB: true }).tanh(), 1e-6);
  });

  it('rejects mismatched shapes, dtypes and unknown activations, naming the op', () => {
    expect(() => linear(randn([2, 3]), randn([4, 5]), randn([4]))).toThrow(ShapeError);
    expect(() => linear(randn([2, 3]), randn([4, 3]), randn([5]))).toThrow(/linear: .*bias \[5\]/);
    expect(() => linear(randn([2, 3]), randn([4, 3]), randn([4], { dtype: 'float64' }))).toThrow(/linear: .*float dtype/);
    expect(() => linear(randn([2, 3]), randn([4, 3]), randn([4]), { activation: { op: 'softmax' as 'relu' } })).toThrow(ValueError);
    expect(() => linear(randn([2, 3]), randn([4, 3]), null, { activation: { op: 'softmax' as 'relu' } })).toThrow(/linear: activation must be one of/);
  });
});
