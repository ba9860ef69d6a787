/**
 * Trains LeNet-5 for a few SGD steps on one batch, on the cpu backend and on
 * the GPU (webgpu), and shows both loss curves. The test reads
 * `window.nnResult` and compares the backends.
 */
import { webgpuBackend, webgpuPlugin, webgpuStats } from '@nn/backend-webgpu';
import { crossEntropy } from '@nn/layers-core';
import { lenet5 } from '@nn/models';
import { SGD } from '@nn/optim';
import * as nn from '@nn/tensor';

nn.use(webgpuPlugin);

const STEPS = 8;

/** Deterministic inputs, identical for both backends. */
const wave = (n: number, f: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * f));

async function trainOn(backend: 'cpu' | 'webgpu') {
  await nn.setBackend(backend);
  const t0 = performance.now();
  nn.manualSeed(7); // the same initial weights on both backends
  const net = lenet5();
  const x = nn.tensor(wave(8 * 784, 0.05), [8, 1, 28, 28]);
  const y = nn.tensor([3, 1, 4, 1, 5, 9, 2, 6], [8], 'int32');
  const optimizer = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const loss = nn.tidy(() => {
      const l = crossEntropy(net.call(x), y);
      l.backward();
      return l;
    });
    optimizer.step();
    optimizer.zeroGrad();
    // On the GPU a value is read asynchronously, after the GPU has computed it.
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  const logits = nn.tidy(() => net.call(x));
  const out = Array.from(await logits.data());
  logits.dispose();
  return { losses, logits: out, ms: performance.now() - t0 };
}

async function main() {
  const cpu = await trainOn('cpu');
  const gpu = await trainOn('webgpu');
  const result = { adapter: webgpuBackend().adapterName, dispatches: webgpuStats().dispatches, cpu, gpu };
  (globalThis as unknown as { nnResult: unknown }).nnResult = result;
  document.querySelector('#status')!.textContent = `done on ${result.adapter}`;
  document.querySelector('#result')!.textContent = JSON.stringify({ cpu: cpu.losses, webgpu: gpu.losses, ms: [cpu.ms, gpu.ms] }, null, 2);
}

main().catch((e: unknown) => {
  (globalThis as unknown as { nnResult: unknown }).nnResult = { error: String((e as Error)?.stack ?? e) };
  document.querySelector('#status')!.textContent = `failed: ${String(e)}`;
});
