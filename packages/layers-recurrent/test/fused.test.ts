import { describe, expect, it, vi } from 'vitest';
import { grad, gradCheck } from '@nn/autograd';
import { getEngine, manualSeed, randn, ShapeError, type Tensor } from '@nn/tensor';
import { gruCellUpdate, lstmCellUpdate } from '../src/index.js';

manualSeed(11);
const f64 = (shape: number[]) => randn(shape, { dtype: 'float64' });

/** The chapter's LSTM equations written out in plain tensor ops (no fused op). */
function lstmReference(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  const H = c.shape[1]!;
  const [i, f, g, o] = gates.split(H, -1);
  const cNext = f!.sigmoid().mul(c).add(i!.sigmoid().mul(g!.tanh()));
  return [o!.sigmoid().mul(cNext.tanh()), cNext];
}

/** PyTorch's GRU equations in plain tensor ops. */
function gruReference(xp: Tensor, hp: Tensor, h: Tensor): Tensor {
  const H = h.shape[1]!;
  const [xr, xz, xn] = xp.split(H, -1);
  const [hr, hz, hn] = hp.split(H, -1);
  const r = xr!.add(hr!).sigmoid(), z = xz!.add(hz!).sigmoid();
  const n = xn!.add(r.mul(hn!)).tanh();
  return z.neg().add(1).mul(n).add(z.mul(h));
}

const close = (a: Tensor, b: Tensor, tol = 1e-12) => {
  const x = a.dataSync(), y = b.dataSync();
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(tol));
};

describe('fused cell updates', () => {
  it('the LSTM and GRU kernels equal the equations written in ops', () => {
    const gates = f64([3, 20]), c = f64([3, 5]);
    const [h, cNext] = lstmCellUpdate(gates, c);
    const [hRef, cRef] = lstmReference(gates, c);
    close(h, hRef);
    close(cNext, cRef);
    const xp = f64([4, 18]), hp = f64([4, 18]), s = f64([4, 6]);
    close(gruCellUpdate(xp, hp, s), gruReference(xp, hp, s));
  });

  it('pass gradCheck, through the fused backward kernels', () => {
    const l = gradCheck((g, c) => {
      const [h, cn] = lstmCellUpdate(g, c);
      return h.add(cn.mul(0.5));
    }, [f64([2, 12]), f64([2, 3])]);
    expect(l.ok, JSON.stringify(l)).toBe(true);
    const g = gradCheck((xp, hp, h) => gruCellUpdate(xp, hp, h), [f64([2, 9]), f64([2, 9]), f64([2, 3])]);
    expect(g.ok, JSON.stringify(g)).toBe(true);
  });

  it('the fused backward equals the reference gradient, and grads of grads work', () => {
    const gates = f64([2, 8]), c = f64([2, 2]), w = f64([2, 2]);
    const loss = (cell: typeof lstmCellUpdate) => (g: Tensor) => {
      const [h, cn] = cell(g, c);
      return h.mul(w).add(cn.square()).sum();
    };
    const backend = getEngine().backend().name;
    // The backend's kernel when it takes float64, else the cpu kernel that dispatch runs in its place.
    const own = getEngine().registry.kernel('lstmCellBackward', backend);
    const fusedBackward = own !== undefined && (own.dtypes === undefined || own.dtypes.includes('float64')) ? own : getEngine().registry.kernel('lstmCellBackward', 'cpu')!;
    const spy = vi.spyOn(fusedBackward, 'run');
    close(grad(loss(lstmCellUpdate))(gates), grad(loss(lstmReference))(gates), 1e-12);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    // d/dg of sum(d loss / d g): second order goes through the differentiable backward composite.
    const second = (cell: typeof lstmCellUpdate) => grad((g: Tensor) => grad(loss(cell))(g).sum())(gates);
    close(second(lstmCellUpdate), second(lstmReference), 1e-10);
    const xp = f64([2, 6]), hp = f64([2, 6]), h = f64([2, 2]);
    const gl = (cell: typeof gruCellUpdate) => (x: Tensor) => cell(x, hp, h).square().sum();
    close(grad(gl(gruCellUpdate))(xp), grad(gl(gruReference))(xp));
    const gruSecond = (cell: typeof gruCellUpdate) => grad((x: Tensor) => grad(gl(cell))(x).sum())(xp);
    close(gruSecond(gruCellUpdate), gruSecond(gruReference), 1e-10);
  });

  it('report mismatched shapes with the op and the argument names', () => {
    expect(() => lstmCellUpdate(f64([2, 12]), f64([2, 4]))).toThrow(ShapeError);
    expect(() => lstmCellUpdate(f64([2, 12]), f64([2, 4]))).toThrow(/lstmCell: c must be \[2,3\] \(batch x 1 x hidden\) to go with gates \[2,12\], got \[2,4\]/);
    expect(() => gruCellUpdate(f64([2, 9]), f64([2, 6]), f64([2, 3]))).toThrow(/gruCell: hp must be \[2,9\]/);
    expect(() => lstmCellUpdate(f64([2, 10]), f64([2, 3]))).toThrow(/lstmCell/);
    expect(getEngine().registry.hasOp('lstmCellBackward')).toBe(true);
  });
});
