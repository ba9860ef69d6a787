/**
 * GPU memory over a long training run on webgpu: an MLP (784-128-10, Adam,
 * batch 64) trained for STEPS steps (default 1,000) on random data; prints
 * the live GPU buffers and bytes, the pool, and nn's live tensors every
 * STEPS/10 steps. Flat columns mean no leak.
 *
 *   VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json node bench/src/webgpu-leaks.mjs
 */
import * as nn from '@nn/tensor';
import { webgpuPlugin, webgpuStats } from '@nn/backend-webgpu';
import { crossEntropy } from '@nn/layers-core';
import { mlp } from '@nn/models';
import { Adam } from '@nn/optim';
import { printTable } from './timing.mjs';

const STEPS = Number(process.env.STEPS ?? 1000);
nn.use(webgpuPlugin);
await nn.setBackend('webgpu');
nn.manualSeed(1);
const model = mlp([784, 128, 10]);
const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
const x = nn.randn([64, 784]);
const y = nn.randint(0, 10, [64]);
const rows = [];
const t0 = performance.now();
for (let step = 1; step <= STEPS; step++) {
  const loss = nn.tidy(() => {
    const l = crossEntropy(model.call(x), y);
    l.backward();
    return l;
  });
  optimizer.step();
  optimizer.zeroGrad();
  const value = (await loss.data())[0];
  loss.dispose();
  if (step === 1 || step % Math.max(1, STEPS / 10) === 0) {
    const s = webgpuStats();
    rows.push([step, value.toFixed(4), s.liveBuffers, s.liveBytes, s.pooledBuffers, s.pooledBytes, nn.memory().tensors, ((performance.now() - t0) / step).toFixed(1)]);
  }
}
printTable(['step', 'loss', 'live buffers', 'live bytes', 'pooled buffers', 'pooled bytes', 'live tensors', 'ms/step'], rows);
