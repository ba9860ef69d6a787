/**
 * The webgpu backend next to wasm: matmul 1024 (and 4096 with FULL=1),
 * conv2d, a ResNet-20 training step (batch 64, 28x28x1) and ResNet-18 batch-1
 * inference at 224x224, with the GPU's dispatches and bytes moved per step.
 *
 * Each webgpu figure is the best of several runs, each timed from the first
 * op to the end of `await data()` on the result (the GPU has finished),
 * after warm-up runs that compile every pipeline. On a machine without a GPU
 * the adapter is SwiftShader (a CPU emulation of Vulkan): its times say
 * nothing about a GPU, only its dispatch and byte counts carry over.
 *
 *   VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json npm run bench:webgpu -w @nn/bench
 */
import * as nn from '@nn/tensor';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';
import { webgpuBackend, webgpuPlugin, webgpuStats } from '@nn/backend-webgpu';
import { crossEntropy } from '@nn/layers-core';
import { conv2d } from '@nn/layers-conv';
import { cifarResNet, resnet18 } from '@nn/models';
import { SGD } from '@nn/optim';
import { printTable } from './timing.mjs';

nn.use(wasmPlugin);
nn.use(webgpuPlugin);
const RUNS = Number(process.env.RUNS ?? 3);
const full = process.env.FULL === '1';

/** Best wall time of `step` (which returns a tensor to wait for), and the dispatches and bytes of one step on webgpu. */
async function time(step, { runs = RUNS, warmup = 1 } = {}) {
  const gpu = nn.getBackend() === 'webgpu';
  const once = async () => {
    const out = step();
    await out.data();
    out.dispose();
  };
  for (let i = 0; i < warmup; i++) await once();
  const before = gpu ? webgpuStats() : undefined;
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once();
    best = Math.min(best, performance.now() - t0);
  }
  if (!gpu) return { ms: best };
  const after = webgpuStats();
  return { ms: best, dispatches: (after.dispatches - before.dispatches) / runs, upMB: (after.uploadedBytes - before.uploadedBytes) / runs / 2 ** 20, downKB: (after.downloadedBytes - before.downloadedBytes) / runs / 1024 };
}

const workloads = [
  ['matmul 1024', () => { const a = nn.randn([1024, 1024]), b = nn.randn([1024, 1024]); return { step: () => nn.matmul(a, b), flops: 2 * 1024 ** 3 }; }],
  ...(full ? [['matmul 4096', () => { const a = nn.randn([4096, 4096]), b = nn.randn([4096, 4096]); return { step: () => nn.matmul(a, b), flops: 2 * 4096 ** 3 }; }]] : []),
  ['conv2d 3x3 64->64, 8x56x56', () => { const x = nn.randn([8, 64, 56, 56]), w = nn.randn([64, 64, 3, 3]); return { step: () => conv2d(x, w, null, { padding: 1 }), flops: 2 * 8 * 64 * 56 * 56 * 64 * 9 }; }],
  ['ResNet-20 train step, batch 64', () => {
    nn.manualSeed(1);
    const model = cifarResNet(20, { inChannels: 1 });
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = nn.randn([64, 1, 28, 28]), y = nn.randint(0, 10, [64]);
    return { step: () => { const loss = nn.tidy(() => { const l = crossEntropy(model.call(x), y); l.backward(); return l; }); opt.step(); opt.zeroGrad(); return loss; }, samples: 64 };
  }],
  ['ResNet-18 inference, batch 1, 224x224', () => {
    nn.manualSeed(1);
    const model = resnet18();
    model.eval();
    const x = nn.randn([1, 3, 224, 224]);
    return { step: () => nn.tidy(() => model.call(x)) };
  }],
];

await nn.setBackend('webgpu');
console.log(`webgpu adapter: ${webgpuBackend().adapterName}`);
const rows = [];
for (const [name, make] of workloads) {
  const results = {};
  for (const [label, setup] of [['wasm 2 threads', async () => { await nn.setBackend('wasm'); await setThreads(2); }], ['webgpu', async () => nn.setBackend('webgpu')]]) {
    await setup();
    const w = make();
    results[label] = await time(w.step);
    results[label].rate = w.flops ? `${(w.flops / results[label].ms / 1e6).toFixed(1)} GFLOPS` : w.samples ? `${(w.samples / results[label].ms * 1000).toFixed(0)} samples/s` : '';
  }
  const g = results.webgpu, c = results['wasm 2 threads'];
  rows.push([name, `${c.ms.toFixed(1)} (${c.rate})`, `${g.ms.toFixed(1)} (${g.rate})`, (c.ms / g.ms).toFixed(2), g.dispatches.toFixed(0), g.upMB.toFixed(2), g.downKB.toFixed(1)]);
}
printTable(['workload', 'wasm 2 thr ms', 'webgpu ms', 'webgpu speed-up', 'dispatches', 'upload MB', 'readback KB'], rows);
