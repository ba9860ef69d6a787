import { describe, expect, it } from 'vitest';
import { crossEntropy } from '@nn/layers-core';
import { Adam } from '@nn/optim';
import { randn, tensor, tidy } from '@nn/tensor';
import { lenet5 } from '../src/index.js';

describe('LeNet-5', () => {
  it('has 61,706 parameters and maps [N,1,28,28] to 10 logits', () => {
    const net = lenet5();
    expect(net.parameters().reduce((n, p) => n + p.size, 0)).toBe(61706);
    expect(net.forward(randn([2, 1, 28, 28])).shape).toEqual([2, 10]);
    const summary = net.summary([1, 1, 28, 28]);
    expect(summary).toMatch(/0 \(Conv2d\)\s+\[1,6,28,28\]\s+156/);
    expect(summary).toMatch(/3 \(Conv2d\)\s+\[1,16,10,10\]\s+2,416/);
    expect(summary).toContain('Total params: 61,706');
  });

  it('every parameter receives a gradient, and a few Adam steps fit a small batch', () => {
    const net = lenet5({ activation: 'tanh', pooling: 'avg' });
    const x = randn([8, 1, 28, 28]);
    const y = tensor([0, 1, 2, 3, 4, 5, 6, 7], undefined, 'int32');
    tidy(() => crossEntropy(net.forward(x), y).backward());
    expect(net.parameters().every((p) => p.grad !== null && p.grad.abs().sum().item() > 0)).toBe(true);
    net.zeroGrad();
    const opt = new Adam(net.parameters(), { lr: 0.01 });
    const losses: number[] = [];
    for (let i = 0; i < 15; i++) {
      losses.push(tidy(() => {
        const loss = crossEntropy(net.forward(x), y);
        loss.backward();
        return loss.item();
      }));
      opt.step();
      opt.zeroGrad();
    }
    expect(losses[14]!).toBeLessThan(losses[0]! / 4);
  });
});
