import { afterEach, describe, expect, it, vi } from 'vitest';
import { grad } from '@nn/autograd';
import type { Module } from '@nn/layers-core';
import { getRegistry, manualSeed, randint, randn, setBackend, type Tensor, tensor, use } from '@nn/tensor';
import { PROBE_BACKEND, probeBackendPlugin } from '@nn/testing';
import { CharLSTM, lenet5, mlp, SequenceClassifier } from '../src/index.js';

/**
 * The probe backend stores data and has no kernel at all, as a new backend
 * on its first day: every op runs as its composite or on cpu through
 * dispatch fallback. Each model's output and input gradient there must
 * equal cpu's.
 */
async function onBoth(model: Module, input: () => Tensor): Promise<void> {
  const run = () => {
    const x = input();
    const loss = (v: Tensor) => (model.call(v) as Tensor).square().mean();
    const y = model.call(x) as Tensor;
    return { y: y.toArray(), on: y.dataRef!.backend.name, dx: x.dtype === 'float32' ? (grad(loss)(x).toArray() as unknown) : null };
  };
  manualSeed(3);
  const onCpu = run();
  await setBackend(PROBE_BACKEND);
  manualSeed(3);
  const onProbe = run();
  await setBackend('cpu');
  expect([onCpu.on, onProbe.on]).toEqual(['cpu', PROBE_BACKEND]);
  expectClose(onProbe.y, onCpu.y);
  if (onCpu.dx !== null) expectClose(onProbe.dx, onCpu.dx);
}

function expectClose(actual: unknown, expected: unknown): void {
  const a = [actual].flat(9) as number[], e = [expected].flat(9) as number[];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(e[i]!))));
}

describe('every model on a backend with no kernels (composites and fallbacks only)', () => {
  use(probeBackendPlugin());
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  afterEach(() => warn.mockClear());

  it('the probe backend has no kernel for any op', () => {
    expect(getRegistry().coverage().every((r) => r.backends[PROBE_BACKEND] !== 'kernel')).toBe(true);
  });

  it('mlp', async () => {
    manualSeed(1);
    const model = mlp([6, 8, 3], { activation: 'gelu' });
    await onBoth(model, () => randn([4, 6]));
  });

  it('lenet5 (conv, pooling, fused conv and linear)', async () => {
    manualSeed(1);
    const model = lenet5();
    model.eval();
    await onBoth(model, () => randn([2, 1, 28, 28]));
  });

  it('char-LSTM (embedding, fused LSTM cells, softmax)', async () => {
    manualSeed(1);
    const model = new CharLSTM(7, { embeddingDim: 4, hiddenSize: 5 });
    await onBoth(model, () => randint(0, 7, [3, 2]));
  });

  it('GRU sequence classifier, bidirectional', async () => {
    manualSeed(1);
    const model = new SequenceClassifier(3, 4, { cell: 'gru', hiddenSize: 5, bidirectional: true });
    await onBoth(model, () => randn([5, 2, 3]));
  });

  it('runs a primitive it has no kernel for on cpu, never a dead end', async () => {
    await setBackend(PROBE_BACKEND);
    try {
      expect(tensor([1, 2]).exp().toArray()).toEqual([Math.exp(1), Math.exp(2)].map(Math.fround));
    } finally {
      await setBackend('cpu');
    }
  });
});
