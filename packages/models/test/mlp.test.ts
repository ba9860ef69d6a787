import { describe, expect, it } from 'vitest';
import { Dropout, Flatten, Linear } from '@nn/layers-core';
import { ReLU, Sigmoid } from '@nn/activations';
import { zeros } from '@nn/tensor';
import { mlp } from '../src/index.js';

describe('mlp', () => {
  it('builds Flatten → Linear → activation → ... → Linear', () => {
    const m = mlp([784, 256, 10]);
    expect(m.layers.map((l) => l.constructor)).toEqual([Flatten, Linear, ReLU, Linear]);
    expect(Object.keys(m.stateDict())).toEqual(['1.weight', '1.bias', '3.weight', '3.bias']);
    expect(m.forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 10]);
    expect(m.parameters().reduce((n, p) => n + p.size, 0)).toBe(784 * 256 + 256 + 256 * 10 + 10);
  });

  it('takes the activation, dropout and an output activation', () => {
    const m = mlp([2, 3, 3, 1], { activation: 'sigmoid', dropout: 0.1, outputActivation: 'sigmoid' });
    expect(m.layers.map((l) => l.constructor)).toEqual([Flatten, Linear, Sigmoid, Dropout, Linear, Sigmoid, Dropout, Linear, Sigmoid]);
    expect(() => mlp([10])).toThrow('mlp: sizes must list at least two positive integers (input and output), got [10]');
  });
});
