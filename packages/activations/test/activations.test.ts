import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { randn, tensor } from '@nn/tensor';
import { activation, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh, leakyRelu, logSoftmax, softmax } from '../src/index.js';

describe('activations', () => {
  it('softmax sums to one and is stable for large inputs', () => {
    const p = softmax(tensor([[1, 2, 3], [1000, 1000, 1000]])).toArray() as number[][];
    [0.0900306, 0.2447285, 0.6652409].forEach((v, i) => expect(p[0]![i]).toBeCloseTo(v, 6));
    p[1]!.forEach((v) => expect(v).toBeCloseTo(1 / 3, 6));
    expect(logSoftmax(tensor([0, 0])).toArray()).toEqual([-Math.log(2), -Math.log(2)].map((v) => Math.fround(v)));
  });

  it('modules match the functions', () => {
    const x = tensor([-2, 0.5]);
    expect(new ReLU().forward(x).toArray()).toEqual([0, 0.5]);
    expect(new LeakyReLU(0.1).forward(x).toArray()).toEqual([Math.fround(-0.2), 0.5]);
    expect(new Sigmoid().forward(x).toArray()).toEqual(x.sigmoid().toArray());
    expect(new Tanh().forward(x).toArray()).toEqual(x.tanh().toArray());
    expect(new Softmax(0).forward(x).sum().item()).toBeCloseTo(1, 6);
    expect(new LogSoftmax(0).forward(x).exp().sum().item()).toBeCloseTo(1, 6);
    expect(activation('relu')).toBeInstanceOf(ReLU);
    expect(() => activation('swish' as never)).toThrow("activation: unknown activation 'swish' (known: relu, sigmoid, tanh, leakyRelu)");
  });

  it('gradients check', () => {
    expect(gradCheck((x) => softmax(x, 1), [randn([3, 4])]).ok).toBe(true);
    expect(gradCheck((x) => logSoftmax(x, 0), [randn([3, 4])]).ok).toBe(true);
    expect(gradCheck((x) => leakyRelu(x, 0.2), [tensor([-1.5, 0.7, 2])]).ok).toBe(true);
  });
});
