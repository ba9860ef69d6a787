import { describe, expect, it } from 'vitest';
import { manualSeed, memory, randn, tensor, tidy, zeros, type Tensor } from '@nn/tensor';
import { Dropout, Flatten, Identity, Linear, Module, Parameter, Sequential, StateDictError } from '../src/index.js';

class Net extends Module {
  fc1 = new Linear(4, 3);
  act = new Identity();
  fc2 = new Linear(3, 2, { bias: false });
  scale = new Parameter(tensor([2]));
  forward(x: Tensor) {
    return this.fc2.call(this.act.call(this.fc1.call(x)).relu()).mul(this.scale);
  }
}

describe('Module.call and forward hooks', () => {
  it('runs pre-hooks, forward and hooks in order; hooks may replace inputs and output; handles remove them', () => {
    const net = new Sequential(new Linear(2, 2), new Identity());
    const order: string[] = [];
    const pre = net.layers[1]!.registerForwardPreHook((_, [x]) => { order.push('pre'); return [x!.mul(10)]; });
    const post = net.layers[1]!.registerForwardHook((m, [x], y) => { order.push(`post ${m.constructor.name} ${x === y}`); return y.add(1); });
    const x = randn([3, 2]);
    const plain = (net.layers[0] as Linear).forward(x);
    const out = net.call(x);
    expect(order).toEqual(['pre', 'post Identity true']);
    expect(Array.from(out.dataSync())).toEqual(Array.from(plain.mul(10).add(1).dataSync()));
    expect(net.layers[1]!.hasForwardHooks()).toBe(true);
    pre.remove();
    post.remove();
    expect(net.layers[1]!.hasForwardHooks()).toBe(false);
    expect(Array.from(net.call(x).dataSync())).toEqual(Array.from(plain.dataSync()));
    // forward itself runs no hooks
    const h = net.registerForwardHook(() => { throw new Error('hook ran'); });
    expect(() => net.forward(x)).not.toThrow();
    expect(() => net.call(x)).toThrow('hook ran');
    h.remove();
  });

  it('summary reads output shapes through hooks and leaves none behind', () => {
    const net = new Net();
    expect(net.summary([5, 4])).toMatch(/fc2 \(Linear\)\s+\[5,2\]/);
    expect(net.namedModules().some(([, m]) => m.hasForwardHooks())).toBe(false);
  });
});

describe('Module', () => {
  it('registers parameters and sub-modules by assignment, with dotted names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['scale', [1]],
      ['fc1.weight', [3, 4]],
      ['fc1.bias', [3]],
      ['fc2.weight', [2, 3]],
    ]);
    expect(net.children().length).toBe(3);
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('Sequential names its layers 0, 1, ... as PyTorch does', () => {
    const seq = new Sequential(new Linear(2, 3), new Sequential(new Linear(3, 1)));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '1.0.weight', '1.0.bias']);
  });

  it('train() and eval() reach every descendant', () => {
    const seq = new Sequential(new Linear(2, 2), new Dropout(0.5));
    seq.eval();
    expect(seq.namedModules().every(([, m]) => !m.training)).toBe(true);
    seq.train();
    expect(seq.layers[1]!.training).toBe(true);
  });

  it('loadStateDict copies values; stateDict round-trips', () => {
    manualSeed(1);
    const a = new Net(), b = new Net();
    const x = randn([5, 4]);
    b.loadStateDict(a.stateDict());
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
    // A copy, not an alias: changing a leaves b alone.
    a.fc1.weight.assign(zeros([3, 4]));
    expect(b.fc1.weight.sum().item()).not.toBe(0);
  });

  it('loadStateDict refuses entries that are not tensors, naming them', () => {
    const fc = new Linear(1, 1);
    expect(() => fc.loadStateDict({ weight: [[1]], bias: 0 } as never)).toThrow("loadStateDict: entries must be tensors: 'weight' is an array, 'bias' is number (wrap values with tensor(...))");
    expect(() => fc.loadStateDict(null as never)).toThrow('loadStateDict: expected a state dict (an object of tensors), got null');
  });

  it('loadStateDict names missing, unexpected and mis-shaped keys', () => {
    const net = new Net();
    const dict = { ...net.stateDict() };
    delete dict['fc2.weight'];
    dict['fc3.weight'] = zeros([1]);
    dict['fc1.bias'] = zeros([4]);
    let error: StateDictError | undefined;
    try {
      net.loadStateDict(dict);
    } catch (e) {
      error = e as StateDictError;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect(error!.missing).toEqual(['fc2.weight']);
    expect(error!.unexpected).toEqual(['fc3.weight']);
    expect(error!.mismatched).toEqual(['fc1.bias']);
    expect(error!.message).toBe(
      'loadStateDict: state dict does not fit Net: missing keys: fc2.weight; unexpected keys: fc3.weight; shape mismatch: fc1.bias is [3] in the module but [4] in the dict',
    );
    expect(() => net.loadStateDict({ ...net.stateDict(), extra: zeros([1]) }, { strict: false })).not.toThrow();
  });

  it('buffers are saved in the state dict and survive tidy', () => {
    class WithBuffer extends Module {
      constructor() {
        super();
        this.registerBuffer('runningMean', zeros([3]));
      }
      forward(x: Tensor) {
        return x;
      }
    }
    const m = tidy(() => new WithBuffer());
    expect(Object.keys(m.stateDict())).toEqual(['runningMean']);
    expect(m.stateDict()['runningMean']!.isDisposed).toBe(false);
  });

  it('parameters survive tidy, and zeroGrad clears gradients', () => {
    const net = tidy(() => new Net());
    expect(net.parameters().every((p) => !p.isDisposed)).toBe(true);
    tidy(() => net.forward(randn([2, 4])).sum().backward());
    expect(net.fc1.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.fc1.weight.grad).toBeNull();
  });

  it('summary prints layers, output shapes and parameter counts like Keras', () => {
    const model = new Sequential(new Flatten(), new Linear(784, 256), new Dropout(0.2), new Linear(256, 10));
    const before = memory().tensors;
    const text = model.summary([1, 28, 28]);
    expect(memory().tensors).toBe(before);
    expect(text).toContain('0 (Flatten)');
    expect(text).toMatch(/1 \(Linear\)\s+\[1,256\]\s+200,960/);
    expect(text).toMatch(/3 \(Linear\)\s+\[1,10\]\s+2,570/);
    expect(text).toContain('Total params: 203,530');
    expect(text).toContain('Trainable params: 203,530');
    expect(model.training).toBe(true);
  });
});

describe('layers', () => {
  it('Linear computes x Wᵀ + b and checks its input', () => {
    const l = new Linear(2, 3);
    l.weight.assign(tensor([[1, 0], [0, 1], [1, 1]]));
    l.bias!.assign(tensor([0, 10, 100]));
    expect(l.forward(tensor([[1, 2]])).toArray()).toEqual([[1, 12, 103]]);
    expect(l.forward(tensor([[[1, 2]]])).shape).toEqual([1, 1, 3]);
    expect(() => l.forward(zeros([4, 3]))).toThrow('Linear: input has shape [4,3] but the layer expects 2 features in its last dim');
    expect(() => new Linear(0, 2)).toThrow(/inFeatures must be a positive integer/);
  });

  it('Linear initialises like PyTorch: U(-1/√in, 1/√in)', () => {
    manualSeed(0);
    const w = new Linear(100, 200).weight.dataSync();
    const bound = 0.1;
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    expect(Math.max(...w)).toBeGreaterThan(0.09);
  });

  it('Dropout zeroes about p and rescales in training, and is the identity in eval', () => {
    manualSeed(3);
    const d = new Dropout(0.25);
    const y = d.forward(tensor(new Float32Array(20000).fill(1))).dataSync();
    const zerosCount = y.filter((v) => v === 0).length;
    expect(zerosCount / y.length).toBeCloseTo(0.25, 1);
    expect(y.find((v) => v !== 0)).toBeCloseTo(1 / 0.75, 5);
    d.eval();
    expect(d.forward(tensor([1, 2])).toArray()).toEqual([1, 2]);
    expect(() => new Dropout(1)).toThrow(/p must be in \[0, 1\)/);
  });

  it('Flatten keeps the batch dim', () => {
    expect(new Flatten().forward(zeros([2, 3, 4])).shape).toEqual([2, 12]);
  });
});
