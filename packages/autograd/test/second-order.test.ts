import { describe, expect, it } from 'vitest';
import { matmul, randn, ShapeError, tensor, type Tensor } from '@nn/tensor';
import { grad, hvp, jvp, vjp } from '../src/index.js';

const f64 = (shape: number[]) => randn(shape, { dtype: 'float64' });
const close = (a: Tensor, b: Tensor, tol: number) => {
  const x = a.dataSync(), y = b.dataSync();
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!), `element ${i}: ${v} vs ${y[i]}`).toBeLessThan(tol));
};

/** A small two-layer net's output as a function of its input and first weight. */
const net = (w1: Tensor, w2: Tensor) => (x: Tensor, a: Tensor) => matmul(matmul(x, a).tanh(), w2).add(matmul(x, w1).sigmoid());

describe('jvp', () => {
  it('equals the central finite difference along the tangents', () => {
    const w1 = f64([3, 2]), w2 = f64([4, 2]);
    const f = net(w1, w2);
    const x = f64([5, 3]), a = f64([3, 4]), vx = f64([5, 3]), va = f64([3, 4]);
    const [y, jv] = jvp(f, [x, a], [vx, va]);
    close(y, f(x, a), 1e-14);
    const eps = 1e-6;
    const fd = f(x.add(vx.mul(eps)), a.add(va.mul(eps))).sub(f(x.sub(vx.mul(eps)), a.sub(va.mul(eps)))).div(2 * eps);
    close(jv, fd, 1e-8);
  });

  it('J·e_k is the k-th column of the Jacobian that vjp gives row by row', () => {
    const A = f64([3, 4]);
    const f = (x: Tensor) => matmul(A, x.exp().reshape([4, 1])).reshape([3]);
    const x = f64([4]);
    const rows = [0, 1, 2].map((i) => vjp(f, [x], tensor(new Float64Array(3).map((_, k) => (k === i ? 1 : 0))))[1][0]!.dataSync());
    for (let k = 0; k < 4; k++) {
      const e = tensor(new Float64Array(4).map((_, j) => (j === k ? 1 : 0)));
      const col = jvp(f, [x], [e])[1].dataSync();
      [0, 1, 2].forEach((i) => expect(col[i]).toBeCloseTo(rows[i]![k]!, 12));
    }
  });

  it('is zero for a function that ignores its input, and checks the tangents', () => {
    const c = f64([2]);
    expect(Array.from(jvp(() => c.mul(2), [f64([3])], [f64([3])])[1].dataSync())).toEqual([0, 0]);
    expect(() => jvp((x) => x, [f64([3])], [f64([2])])).toThrow(ShapeError);
    expect(() => jvp((x) => x, [f64([3])], [])).toThrow(/one tangent per primal/);
  });
});

describe('hvp', () => {
  it('on Rosenbrock equals the analytic Hessian times v', () => {
    const rosen = (p: Tensor) => {
      const [x, y] = p.split(1, 0) as [Tensor, Tensor];
      return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
    };
    const x = -1.2, y = 1.0, v = [0.3, -0.7];
    const H = [[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200]];
    const [value, [hv]] = hvp(rosen, [tensor([x, y], [2], 'float64')], [tensor(v, [2], 'float64')]);
    expect(value.item()).toBeCloseTo((1 - x) ** 2 + 100 * (y - x * x) ** 2, 10);
    close(hv!, tensor([H[0]![0]! * v[0]! + H[0]![1]! * v[1]!, H[1]![0]! * v[0]! + H[1]![1]! * v[1]!], [2], 'float64'), 1e-9);
  });

  it('on a network loss equals the finite difference of its gradient, over two arguments', () => {
    const w2 = f64([4, 1]), x = f64([6, 3]);
    const loss = (a: Tensor, w1: Tensor) => net(w1, w2)(x, a).square().mean();
    const a = f64([3, 4]), w1 = f64([3, 1]), va = f64([3, 4]), vw = f64([3, 1]);
    const [, [ha, hw]] = hvp(loss, [a, w1], [va, vw]);
    const g = (s: number) => grad(loss, [0, 1])(a.add(va.mul(s)), w1.add(vw.mul(s)));
    const eps = 1e-5;
    const [gp, gm] = [g(eps), g(-eps)];
    close(ha!, gp[0]!.sub(gm[0]!).div(2 * eps), 1e-7);
    close(hw!, gp[1]!.sub(gm[1]!).div(2 * eps), 1e-7);
  });

  it('inside an outer grad, its results are differentiated again (third order)', () => {
    const v = f64([3]), x = f64([3]);
    // Σ x³: H v = 6 x ⊙ v, so d/dx Σ (H v) = 6 v.
    close(grad((a: Tensor) => hvp((y) => y.pow(3).sum(), [a], [v])[1][0]!.sum())(x), v.mul(6), 1e-10);
    // exp: J v = exp(x) ⊙ v, so d/dx Σ (J v) = exp(x) ⊙ v.
    close(grad((a: Tensor) => jvp((y) => y.exp(), [a], [v])[1].sum())(x), x.exp().mul(v), 1e-10);
  });

  it('is zero for a linear function, and needs a scalar', () => {
    const [, [h]] = hvp((x) => x.mul(3).sum(), [f64([3])], [f64([3])]);
    expect(Array.from(h!.dataSync())).toEqual([0, 0, 0]);
    expect(() => hvp((x) => x.square(), [f64([3])], [f64([3])])).toThrow(/one-element tensor/);
  });
});
