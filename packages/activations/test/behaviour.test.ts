import { describe, expect, it } from 'vitest';
import { grad, noGrad, requiresGrad } from '@nn/autograd';
import { crossEntropy, Linear, mseLoss, Sequential } from '@nn/layers-core';
import { SGD } from '@nn/optim';
import { linspace, manualSeed, randn, tensor, tidy, type Tensor } from '@nn/tensor';
import * as A from '../src/index.js';

const values = (t: Tensor) => Array.from(t.dataSync());

describe('learnable activations learn', () => {
  it('a PReLU slope moves under training towards the data', () => {
    manualSeed(1);
    const act = new A.PReLU(1);
    const x = randn([64, 4]);
    const target = x.where(x.gt(0), x.mul(0.8)); // the data wants slope 0.8
    const opt = new SGD(act.parameters(), { lr: 0.5 });
    for (let i = 0; i < 60; i++) {
      tidy(() => mseLoss(act.forward(x), target).backward());
      opt.step();
      opt.zeroGrad();
    }
    expect(act.weight.item()).toBeCloseTo(0.8, 2);
  });

  it('per-channel PReLU and MPELU parameters each receive gradients', () => {
    const prelu = new A.PReLU(3);
    const mpelu = new A.MPELU(3);
    const x = tensor([[[-1, 1], [-2, 2], [-3, 3]]]); // [N=1, C=3, 2]
    tidy(() => mpelu.forward(prelu.forward(x)).sum().backward());
    expect(values(prelu.weight.grad!).every((g) => g !== 0)).toBe(true);
    expect(values(mpelu.alpha.grad!).every((g) => g !== 0)).toBe(true);
    expect(values(mpelu.beta.grad!).every((g) => g !== 0)).toBe(true);
    expect(() => new A.PReLU(2).forward(x)).toThrow('prelu: has 2 per-channel parameters but the input [1,3,2] has 3 channels (dim 1)');
  });

  it('Maxout learns a piecewise-linear function (|x|) that one linear piece cannot', () => {
    manualSeed(2);
    const layer = new A.Maxout(1, 1, 2);
    const x = linspace(-2, 2, 41).reshape([41, 1]);
    const y = x.abs();
    const opt = new SGD(layer.parameters(), { lr: 0.1, momentum: 0.9 });
    for (let i = 0; i < 300; i++) {
      tidy(() => mseLoss(layer.forward(x), y).backward());
      opt.step();
      opt.zeroGrad();
    }
    expect(tidy(() => mseLoss(layer.forward(x), y).item())).toBeLessThan(1e-3);
  });

  it('a noisy activation with learnable p trains p', () => {
    manualSeed(3);
    const act = new A.NoisyHardTanh({ learnP: true, c: 0.5 });
    const before = (act.p as Tensor).item();
    const opt = new SGD(act.parameters(), { lr: 1 });
    tidy(() => act.forward(randn([200]).mul(3)).sum().backward());
    opt.step();
    expect((act.p as Tensor).item()).not.toBe(before);
  });
});

describe('MPELU reduces to ReLU, ELU and PReLU', () => {
  const x = tensor([-3, -1, -0.2, 0, 0.5, 2]);
  it('α = 0 is ReLU', () => {
    expect(values(A.mpelu(x, tensor([0]), tensor([1]))).map((v) => v + 0)).toEqual(values(x.relu()));
  });
  it('α = β = 1 is ELU', () => {
    values(A.mpelu(x, tensor([1]), tensor([1]))).forEach((v, i) => expect(v).toBeCloseTo(values(A.elu(x))[i]!, 6));
  });
  it('β → 0 with αβ fixed approaches PReLU with slope αβ', () => {
    const slope = 0.3;
    const errors = [1e-1, 1e-2, 1e-3].map((beta) => {
      const y = values(A.mpelu(x.cast('float64'), tensor([slope / beta], undefined, 'float64'), tensor([beta], undefined, 'float64')));
      const p = values(A.prelu(x.cast('float64'), tensor([slope], undefined, 'float64')));
      return Math.max(...y.map((v, i) => Math.abs(v - p[i]!)));
    });
    expect(errors[1]).toBeLessThan(errors[0]!);
    expect(errors[2]).toBeLessThan(errors[1]!);
    expect(errors[2]).toBeLessThan(2e-3);
  });
});

describe('RReLU', () => {
  const x = tensor([-4, -2, -1, 0, 3]);
  it('training mode is reproducible with a seed and uses slopes in [lower, upper]', () => {
    const act = new A.RReLU(0.1, 0.3);
    manualSeed(7);
    const a = values(act.forward(x));
    manualSeed(7);
    expect(values(act.forward(x))).toEqual(a);
    [-4, -2, -1].forEach((v, i) => {
      const slope = a[i]! / v;
      expect(slope).toBeGreaterThanOrEqual(0.1 - 1e-6);
      expect(slope).toBeLessThanOrEqual(0.3 + 1e-6);
    });
    expect(a[4]).toBe(3);
  });
  it('evaluation mode equals leaky ReLU with slope (l+u)/2', () => {
    const act = new A.RReLU().eval();
    values(act.forward(x)).forEach((v, i) => expect(v).toBeCloseTo(values(A.leakyRelu(x, (1 / 8 + 1 / 3) / 2))[i]!, 6));
  });
});

describe('noisy activations', () => {
  const x = tensor([-3, -1.5, -0.5, 0.2, 1.4, 4]);
  for (const kind of ['hardSigmoid', 'hardTanh'] as const) {
    it(`${kind}: evaluation is deterministic and is the mean of training outputs`, () => {
      const evalOut = values(A.noisyActivation(x, kind, { c: 0.5 }));
      expect(values(A.noisyActivation(x, kind, { c: 0.5 }))).toEqual(evalOut);
      manualSeed(4);
      const draws = 4000;
      const sums = new Float64Array(x.size);
      tidy(() => {
        const big = x.reshape([1, 6]).broadcastTo([draws, 6]);
        const out = A.noisyActivation(big, kind, { c: 0.5, training: true }).mean(0);
        values(out).forEach((v, i) => (sums[i] = v));
      });
      // Tolerance: 4 standard errors of the half-normal noise mean (σ of |ξ| is about 0.6).
      sums.forEach((m, i) => expect(Math.abs(m - evalOut[i]!)).toBeLessThan(0.05));
    });
  }

  it('gradients flow where the hard function saturates', () => {
    const saturated = tensor([-3, 4]);
    const hardGrad = values(grad((t) => A.hardtanh(t).sum())(saturated));
    expect(hardGrad).toEqual([0, 0]);
    const noisyGrad = values(grad((t) => A.noisyHardTanh(t).sum())(saturated));
    expect(noisyGrad.every((g) => Math.abs(g) > 1e-3)).toBe(true);
    const sig = values(grad((t) => A.noisyHardSigmoid(t, { training: true }).sum())(tensor([-5, 6])));
    expect(sig.every((g) => Math.abs(g) > 1e-3)).toBe(true);
  });

  it('the modules add noise only in training', () => {
    const m = new A.NoisyHardSigmoid({ c: 1 });
    manualSeed(5);
    const a = values(m.forward(x));
    const b = values(m.forward(x));
    expect(a).not.toEqual(b);
    m.eval();
    expect(values(m.forward(x))).toEqual(values(m.forward(x)));
  });
});

describe('softmax stability and step-like gradients', () => {
  it('softmax is finite for |x| up to 1e4, and log-softmax matches log(softmax) where both are finite', () => {
    const x = tensor([[1e4, -1e4, 0], [-1e4, -1e4 + 1, -1e4 + 2], [3, 1, -2]]);
    const p = values(A.softmax(x));
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p.slice(0, 3)).toEqual([1, 0, 0]);
    const logP = values(A.logSoftmax(x));
    expect(logP.every(Number.isFinite)).toBe(true);
    p.forEach((v, i) => {
      if (v > 0) expect(Math.log(v)).toBeCloseTo(logP[i]!, 4);
    });
    expect(tidy(() => crossEntropy(tensor([[1e4, -1e4]]), tensor([1], undefined, 'int32')).item())).toBeCloseTo(2e4, 0);
  });

  it('step and sign have zero gradient, or a straight-through one on request', () => {
    const x = tensor([-2, -0.5, 0.5, 2]);
    expect(values(grad((t) => A.step(t).sum())(x))).toEqual([0, 0, 0, 0]);
    expect(values(grad((t) => A.sign(t).sum())(x))).toEqual([0, 0, 0, 0]);
    expect(values(grad((t) => A.step(t, { ste: 'identity' }).sum())(x))).toEqual([1, 1, 1, 1]);
    expect(values(grad((t) => A.sign(t, { ste: 'clipped' }).sum())(x))).toEqual([0, 1, 1, 0]);
    expect(values(A.sign(x, { ste: 'identity' }))).toEqual([-1, -1, 1, 1]);
  });

  it('modules by name, and CReLU doubles the channels', () => {
    expect(A.activation('mpelu')).toBeInstanceOf(A.MPELU);
    expect(new A.CReLU().forward(randn([2, 3, 4])).shape).toEqual([2, 6, 4]);
    const w = requiresGrad(tensor([1, -1]));
    tidy(() => new A.CReLU().forward(w).sum().backward());
    expect(values(w.grad!)).toEqual([1, -1]);
  });
});

describe('activation modules fuse into the layer before them', () => {
  it('a Linear followed by each fusable activation gives what the two modules give one by one', () => {
    manualSeed(4);
    const fusable = [new A.ReLU(), new A.Sigmoid(), new A.Tanh(), new A.LeakyReLU(0.2), new A.ELU(0.7), new A.GELU(), new A.GELU('tanh')];
    for (const act of fusable) {
      expect(act.fusedActivation(), act.constructor.name).toBeDefined();
      const net = new Sequential(new Linear(5, 4), act);
      const x = randn([3, 5]);
      const fused = values(noGrad(() => net.forward(x)));
      const plain = values(act.forward(net.layers[0]!.forward(x)));
      fused.forEach((v, i) => expect(v, `${act.constructor.name} element ${i}`).toBeCloseTo(plain[i]!, 6));
    }
  });

  it('activations that are not one pointwise op, or are random in training, do not offer themselves', () => {
    for (const act of [new A.PReLU(1), new A.Softplus(), new A.SiLU(), new A.RReLU(), new A.ELU(-1)]) expect(act.fusedActivation(), act.constructor.name).toBeUndefined();
  });
});
