import { describe, expect, it, vi } from 'vitest';
import { gradCheck, noGrad, requiresGrad } from '@nn/autograd';
import { Flatten, Linear, Module, Sequential, summary } from '@nn/layers-core';
import { type FusedActivation, getEngine, getRegistry, manualSeed, randn, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { Conv2d, conv2d, MaxPool2d } from '../src/index.js';

manualSeed(8);

function expectClose(a: Tensor, b: Tensor, tol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  const av = a.dataSync(), bv = b.dataSync();
  for (let i = 0; i < av.length; i++) expect(Math.abs(av[i]! - bv[i]!), `element ${i}`).toBeLessThanOrEqual(tol);
}

const ACTIVATIONS: (FusedActivation | null)[] = [null, { op: 'relu' }, { op: 'sigmoid' }, { op: 'tanh' }];
const apply = (y: Tensor, act: FusedActivation | null) => (act === null ? y : act.op === 'relu' ? y.relu() : act.op === 'sigmoid' ? y.sigmoid() : y.tanh());

/** A pointwise activation module that offers itself for fusion, as @nn/activations' ReLU does. */
class Act extends Module {
  constructor(readonly act: FusedActivation) { super(); }
  forward(x: Tensor) { return apply(x, this.act); }
  override fusedActivation() { return this.act; }
}

describe('fusedConv2d', () => {
  it('equals the convolution, the bias and the activation run one by one', () => {
    for (const act of ACTIVATIONS) {
      for (const [xs, ws, opts] of [
        [[2, 3, 9, 8], [4, 3, 3, 3], { padding: 1 }],
        [[1, 4, 7, 7], [6, 2, 3, 2], { stride: 2, groups: 2, dilation: [1, 2] }],
        [[3, 1, 6, 6], [5, 1, 1, 1], {}],
      ] as const) {
        const x = randn([...xs]), w = randn([...ws]), b = randn([ws[0]]);
        const want = apply(conv2d(x, w, null, opts).add(b.reshape([1, ws[0], 1, 1])), act);
        expectClose(conv2d(x, w, b, { ...opts, activation: act }), want);
      }
    }
  });

  it('runs as one kernel when nothing is recorded, and differentiates through its composite otherwise', () => {
    const backend = getEngine().backend().name;
    const spy = vi.spyOn(getRegistry().kernel('fusedConv2d', backend)!, 'run');
    const x = randn([1, 2, 5, 5]), w = requiresGrad(randn([3, 2, 3, 3])), b = requiresGrad(randn([3]));
    noGrad(() => conv2d(x, w, b, { activation: { op: 'tanh' } }));
    expect(spy).toHaveBeenCalledTimes(1);
    conv2d(x, w, b, { activation: { op: 'tanh' } }).sum().backward();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(w.grad).toBeDefined();
    spy.mockRestore();
    const r = gradCheck((xx, ww, bb) => conv2d(xx, ww, bb, { padding: 1, activation: { op: 'tanh' } }), [randn([2, 2, 4, 4]), randn([3, 2, 3, 3]), randn([3])]);
    expect(r.ok, JSON.stringify(r.maxRelativeError)).toBe(true);
  });

  it('rejects a bias of the wrong size and unknown activations, naming conv2d', () => {
    expect(() => conv2d(randn([1, 2, 5, 5]), randn([3, 2, 3, 3]), randn([4]))).toThrow(ShapeError);
    expect(() => conv2d(randn([1, 2, 5, 5]), randn([3, 2, 3, 3]), randn([3]), { activation: { op: 'swish' as 'relu' } })).toThrow(ValueError);
    expect(() => conv2d(randn([1, 2, 5, 5]), randn([3, 2, 3, 3]), null, { activation: { op: 'swish' as 'relu' } })).toThrow(/conv2d: activation must be one of/);
  });
});

describe('Sequential fuses a layer with the activation after it', () => {
  const net = () => new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new Act({ op: 'relu' }), new MaxPool2d(2), new Flatten(), new Linear(36, 5), new Act({ op: 'tanh' }), new Linear(5, 3));
  const layerByLayer = (m: Sequential, x: Tensor) => m.layers.reduce((y, l) => l.forward(y), x);

  it('with the same result as running the layers one by one, with and without gradients', () => {
    const m = net(), x = randn([2, 1, 6, 6]);
    const spy = vi.spyOn(Conv2d.prototype, 'forwardActivated');
    expectClose(noGrad(() => m.forward(x)), layerByLayer(m, x));
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    const weight = (m.layers[0] as Conv2d).weight;
    m.forward(x).sum().backward();
    const fused = weight.grad!.dataSync().slice();
    m.zeroGrad();
    layerByLayer(m, x).sum().backward();
    const plain = weight.grad!.dataSync();
    for (let i = 0; i < plain.length; i++) expect(fused[i]).toBeCloseTo(plain[i]!, 5);
  });

  it('leaves alone a layer whose forward a subclass overrides, and patched instances (summary)', () => {
    class Doubled extends Linear {
      override forward(x: Tensor) { return super.forward(x).mul(2); }
    }
    const m = new Sequential(new Doubled(3, 2), new Act({ op: 'relu' }));
    const x = randn([4, 3]);
    expectClose(noGrad(() => m.forward(x)), layerByLayer(m, x));
    const s = summary(net(), [1, 1, 6, 6]);
    expect(s).toMatch(/1 \(Act\)\s+\[1,4,6,6\]/);
    expect(s).not.toMatch(/not called/);
  });

  it('runs a layer with forward hooks on its own, so the hook sees its output, and fuses again once the hook is removed', () => {
    const m = net(), x = randn([2, 1, 6, 6]);
    const seen: number[][] = [];
    const handle = m.layers[0]!.registerForwardHook((_, __, y) => void seen.push([...y.shape]));
    const spy = vi.spyOn(Conv2d.prototype, 'forwardActivated');
    expectClose(noGrad(() => m.call(x)), layerByLayer(m, x));
    expect(spy).not.toHaveBeenCalled();
    expect(seen[0]).toEqual([2, 4, 6, 6]);
    handle.remove();
    noGrad(() => m.call(x));
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});
