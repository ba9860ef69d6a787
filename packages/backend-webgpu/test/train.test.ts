import { DataLoader, TensorDataset } from '@nn/data';
import { mlp } from '@nn/models';
import { Adam } from '@nn/optim';
import * as nn from '@nn/tensor';
import { evaluateAsync, fit, fitAsync } from '@nn/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU, values } from './helpers.js';

beforeAll(startWebGPU);

/** A separable 3-class problem: the class is the argmax of three fixed projections of the input. */
function problem(): { x: nn.Tensor; y: nn.Tensor } {
  const n = 96, d = 8;
  const x = values([n, d], 21);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = [0, 1, 2].map((c) => x[i * d + c]! - x[i * d + c + 3]!);
    labels[i] = s.indexOf(Math.max(...s));
  }
  return { x: nn.tensor(x, [n, d]), y: nn.tensor(labels, [n], 'int32') };
}

async function train(): Promise<{ loss: number[]; accuracy: number; valLoss: number }> {
  nn.manualSeed(5);
  const { x, y } = problem();
  const model = mlp([8, 16, 3]);
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 2 });
  const history = await fitAsync(model, loader, { epochs: 4, optimizer: new Adam(model.parameters(), { lr: 0.02 }), loss: 'crossEntropy', verbose: false });
  const result = await evaluateAsync(model, new DataLoader(new TensorDataset(x, y), { batchSize: 50 }), { loss: 'crossEntropy' });
  return { loss: history.get('loss'), accuracy: result.accuracy!, valLoss: result.loss! };
}

describe('@nn/train on webgpu', () => {
  it('fitAsync and evaluateAsync give cpu’s losses and accuracy', async () => {
    await nn.setBackend('cpu');
    const onCpu = await train();
    await nn.setBackend('webgpu');
    try {
      const onGpu = await train();
      onGpu.loss.forEach((l, i) => expect(l).toBeCloseTo(onCpu.loss[i]!, 4));
      expect(onGpu.accuracy).toBe(onCpu.accuracy);
      expect(onGpu.valLoss).toBeCloseTo(onCpu.valLoss, 4);
      expect(onGpu.loss[3]!).toBeLessThan(onGpu.loss[0]!);
    } finally {
      await nn.setBackend('cpu');
    }
  });

  it('the synchronous fit says to use fitAsync', async () => {
    await nn.setBackend('webgpu');
    try {
      const { x, y } = problem();
      const model = mlp([8, 4, 3]);
      expect(() => fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 32 }), { epochs: 1, optimizer: new Adam(model.parameters()), loss: 'crossEntropy', verbose: false })).toThrow(/reads its data asynchronously: use fitAsync/);
    } finally {
      await nn.setBackend('cpu');
    }
  });

  it('a backend that finds no adapter rejects setBackend and leaves the previous backend active', async () => {
    const { WebGPUBackend } = await import('../src/index.js');
    const registry = nn.getRegistry();
    registry.use({ name: 'test.no-gpu', apiVersion: nn.REGISTRY_API_VERSION, backends: [{ name: 'no-gpu', priority: -5, create: () => Object.assign(Object.create(WebGPUBackend.prototype), { name: 'no-gpu', ready: Promise.reject(new nn.BackendError('webgpu: no GPU adapter was found.')) }) }] });
    await nn.setBackend('cpu');
    await expect(nn.setBackend('no-gpu')).rejects.toThrow(/no GPU adapter/);
    expect(nn.getBackend()).toBe('cpu');
  });
});
