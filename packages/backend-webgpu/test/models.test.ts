import { crossEntropy, type Module } from '@nn/layers-core';
import { CharLSTM, cifarResNet, DeconvNet, fcn8s, GoogLeNet, lenet5, mlp, resnet18, SequenceClassifier, VGG } from '@nn/models';
import { Adam, SGD } from '@nn/optim';
import * as nn from '@nn/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuStats } from '../src/index.js';
import { startWebGPU, values } from './helpers.js';

beforeAll(startWebGPU);

const SMALL = { widths: [4, 8, 8, 16, 16], fcWidth: 16 };

/** Every model of @nn/models at CPU-emulation sizes, and its input (float images, or token ids). */
const MODELS: [string, () => Module, () => nn.Tensor][] = [
  ['MLP', () => mlp([12, 16, 5], { activation: 'gelu' }), () => nn.tensor(values([3, 12], 1), [3, 12])],
  ['LeNet-5', () => lenet5(), () => nn.tensor(values([2, 1, 28, 28], 2), [2, 1, 28, 28])],
  ['VGG-11-BN (1/16 width)', () => new VGG({ depth: 11, batchNorm: true, classes: 5, widthDivisor: 16, hidden: 16, poolSize: 1 }), () => nn.tensor(values([2, 3, 32, 32], 3), [2, 3, 32, 32])],
  // 64x64: batch norm at the last stage sees 8 values per channel (at 32x32, 2: too few to compare float roundings).
  ['ResNet-18', () => resnet18({ classes: 5 }), () => nn.tensor(values([2, 3, 64, 64], 4), [2, 3, 64, 64])],
  ['CIFAR ResNet-20 (option A)', () => cifarResNet(20), () => nn.tensor(values([2, 3, 16, 16], 5), [2, 3, 16, 16])],
  ['GoogLeNet (paper: LRN, 5x5, auxiliary heads)', () => new GoogLeNet({ classes: 5 }), () => nn.tensor(values([1, 3, 64, 64], 6), [1, 3, 64, 64])],
  ['FCN-8s', () => fcn8s({ backbone: SMALL, classes: 3, inChannels: 1 }), () => nn.tensor(values([1, 1, 48, 48], 7), [1, 1, 48, 48])],
  ['DeconvNet', () => new DeconvNet({ backbone: SMALL, classes: 3, inChannels: 1, fcKernel: 1 }), () => nn.tensor(values([2, 1, 32, 32], 8), [2, 1, 32, 32])],
  ['char-LSTM', () => new CharLSTM(7, { embeddingDim: 4, hiddenSize: 6, numLayers: 2 }), () => nn.tensor([1, 4, 6, 0, 2, 3], [3, 2], 'int32')],
  ['GRU sequence classifier, bidirectional', () => new SequenceClassifier(3, 4, { cell: 'gru', hiddenSize: 5, bidirectional: true }), () => nn.tensor(values([5, 2, 3], 9), [5, 2, 3])],
];

/** The first output tensor of a model (GoogLeNet in training returns its auxiliary logits too). */
function logits(out: unknown): nn.Tensor {
  if (out instanceof nn.Tensor) return out;
  if (Array.isArray(out)) return out[0] as nn.Tensor;
  const o = out as Record<string, nn.Tensor>;
  return o.logits ?? o.out ?? Object.values(o)[0]!;
}

/** The output, then the first parameter's gradient, then the output after one SGD step, read on the active backend. */
async function trainStep(make: () => Module, input: () => nn.Tensor): Promise<number[][]> {
  nn.manualSeed(3);
  const model = make();
  const x = input();
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const y = logits(model.call(x));
  const loss = y.square().mean();
  loss.backward();
  const g = model.parameters()[0]!.grad!;
  const read = [Array.from(await y.data()), Array.from(await g.data())];
  optimizer.step();
  model.eval();
  const y2 = nn.tidy(() => logits(model.call(x)));
  read.push(Array.from(await y2.data()));
  return read;
}

function expectClose(actual: number[], expected: number[], what: string, tolerance: number): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  expect(worst, `${what}: worst error`).toBeLessThan(tolerance);
  expect(actual.every(Number.isFinite), `${what}: finite`).toBe(true);
}

describe('every model of @nn/models: forward and one training step on webgpu equal cpu', () => {
  for (const [name, make, input] of MODELS) {
    it(name, async () => {
      await nn.setBackend('cpu');
      const expected = await trainStep(make, input);
      await nn.setBackend('webgpu');
      try {
        const actual = await trainStep(make, input);
        ['output', 'first gradient', 'output after a step'].forEach((what, k) => expectClose(actual[k]!, expected[k]!, what, 2e-4));
      } finally {
        await nn.setBackend('cpu');
      }
    }, 120_000);
  }
});

describe('memory', () => {
  it('GPU buffers stay flat over training steps', async () => {
    await nn.setBackend('webgpu');
    try {
      nn.manualSeed(1);
      const model = lenet5();
      const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
      const x = nn.tensor(values([4, 1, 28, 28], 10), [4, 1, 28, 28]);
      const y = nn.tensor([1, 7, 3, 0], [4], 'int32');
      const step = async () => {
        const loss = nn.tidy(() => {
          const l = crossEntropy(model.call(x) as nn.Tensor, y);
          l.backward();
          return l;
        });
        optimizer.step();
        optimizer.zeroGrad();
        const v = (await loss.data())[0]!;
        loss.dispose();
        return v;
      };
      const first = await step();
      for (let i = 0; i < 5; i++) await step();
      const before = webgpuStats();
      const memBefore = nn.memory();
      let last = first;
      for (let i = 0; i < 30; i++) last = await step();
      const after = webgpuStats();
      expect(after.liveBuffers).toBe(before.liveBuffers);
      expect(after.liveBytes).toBe(before.liveBytes);
      expect(nn.memory().tensors).toBe(memBefore.tensors);
      expect(last).toBeLessThan(first);
    } finally {
      await nn.setBackend('cpu');
    }
  }, 120_000);
});
