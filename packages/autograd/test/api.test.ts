import { describe, expect, it } from 'vitest';
import { createEngine, keep, memory, NNError, ones, randn, ShapeError, tensor, tidy, withEngine, zeros } from '@nn/tensor';
import { detach, grad, noGrad, requiresGrad, valueAndGrad, vjp } from '../src/index.js';

describe('functional API', () => {
  it('grad returns df/dx with the shape of x', () => {
    const g = grad((x) => x.mul(x).sum())(tensor([[1, 2], [3, 4]]));
    expect(g.toArray()).toEqual([[2, 4], [6, 8]]);
  });

  it('argnums picks arguments; an unused argument gets zeros', () => {
    const f = (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => a.mul(b).sum();
    const [ga, gb] = grad(f, [0, 1])(tensor([1, 2]), tensor([3, 4]));
    expect(ga!.toArray()).toEqual([3, 4]);
    expect(gb!.toArray()).toEqual([1, 2]);
    expect(grad(f, 1)(tensor([5, 6]), tensor([0, 0])).toArray()).toEqual([5, 6]);
    expect(grad((a: ReturnType<typeof tensor>) => ones([1]).sum())(tensor([1, 2])).toArray()).toEqual([0, 0]);
  });

  it('valueAndGrad returns both', () => {
    const [v, g] = valueAndGrad((x) => x.exp().sum())(tensor([0, 0]));
    expect(v.item()).toBe(2);
    expect(g.toArray()).toEqual([1, 1]);
  });

  it('vjp handles non-scalar outputs', () => {
    const [y, [dx]] = vjp((x) => x.mul(3), [tensor([1, 2])], tensor([1, 10]));
    expect(y.toArray()).toEqual([3, 6]);
    expect(dx!.toArray()).toEqual([3, 30]);
    expect(() => vjp((x) => x.mul(3), [tensor([1, 2])], tensor([1]))).toThrow(ShapeError);
  });

  it('grad of a non-scalar function, or of a non-tensor result, is a clear error', () => {
    expect(() => grad((x) => x.mul(2))(tensor([1, 2]))).toThrow(/must return a one-element tensor, got shape \[2\]/);
    expect(() => grad((() => 3) as never)(tensor([1]))).toThrow(NNError);
  });

  it('grad leaves no intermediates behind', () => {
    const x = tensor([1, 2, 3]);
    const before = memory().tensors;
    const g = grad((y) => y.tanh().mul(y).sum())(x);
    expect(memory().tensors).toBe(before + 1);
    g.dispose();
  });
});

describe('PyTorch style', () => {
  it('backward fills .grad of leaves and accumulates across calls', () => {
    const w = requiresGrad(tensor([1, 2, 3]));
    w.mul(w).sum().backward();
    expect(w.grad!.toArray()).toEqual([2, 4, 6]);
    w.sum().backward();
    expect(w.grad!.toArray()).toEqual([3, 5, 7]);
  });

  it('a tensor used twice receives the sum of both paths', () => {
    const x = requiresGrad(tensor([2]));
    x.mul(x).add(x.mul(3)).sum().backward();
    expect(x.grad!.item()).toBe(7);
  });

  it('backward with an explicit gradient for non-scalar outputs', () => {
    const x = requiresGrad(tensor([1, 2]));
    x.mul(2).backward(tensor([1, -1]));
    expect(x.grad!.toArray()).toEqual([2, -2]);
    expect(() => requiresGrad(tensor([1, 2])).mul(2).backward()).toThrow(ShapeError);
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });

  it('noGrad and detach cut the graph', () => {
    const x = requiresGrad(tensor([1, 2]));
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(detach(x).requiresGrad).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  it('integer tensors get no gradient', () => {
    const x = requiresGrad(tensor([1.5, 2.5]));
    const i = x.cast('int32');
    expect(i.requiresGrad).toBe(false);
  });

  it('needs autograd installed, and says how', () => {
    withEngine(createEngine(), () => {
      const t = tensor([1]);
      expect(() => (t.requiresGrad = true)).toThrow(/autograd is not installed; call installAutograd\(\)/);
      expect(() => t.backward()).toThrow(/autograd is not installed/);
    });
  });

  it('1,000 training steps with backward() inside tidy leak nothing', () => {
    const x = keep(randn([16, 8])), t = keep(randn([16, 4]));
    const loss = (w: ReturnType<typeof randn>) => x.matmul(w).tanh().sub(t).square().mean();
    let w = requiresGrad(keep(randn([8, 4])));
    const first = tidy(() => loss(w).item());
    const before = memory();
    for (let step = 0; step < 1000; step++) {
      const next = tidy(() => {
        loss(w).backward();
        return noGrad(() => w.sub(w.grad!.mul(0.05)));
      });
      w.grad!.dispose();
      w.dispose();
      w = requiresGrad(keep(next));
    }
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    expect(tidy(() => loss(w).item())).toBeLessThan(first);
  });

  it('1,000 functional grad steps leak nothing', () => {
    let w = keep(randn([4, 4]));
    const before = memory().tensors;
    for (let step = 0; step < 1000; step++) {
      const next = tidy(() => w.sub(grad((v) => v.matmul(v).sin().sum())(w).mul(1e-3)));
      w.dispose();
      w = keep(next);
    }
    expect(memory().tensors).toBe(before);
    expect(zeros([1]).isDisposed).toBe(false);
  });
});
