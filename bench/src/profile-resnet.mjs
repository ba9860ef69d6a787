/**
 * Where a ResNet-20 training step (batch 64, 28x28x1) spends its time on
 * wasm: every kernel call is timed (kernels are synchronous, threads
 * included) and summed by op and input shapes.
 *
 *   node bench/src/profile-resnet.mjs [threads]
 */
import { crossEntropy } from '@nn/layers-core';
import { cifarResNet } from '@nn/models';
import { SGD } from '@nn/optim';
import * as nn from '@nn/tensor';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';
import { timeKernels } from './kernel-timer.mjs';

const threads = Number(process.argv[2] ?? 1);
nn.use(wasmPlugin);
await nn.setBackend('wasm');
await setThreads(threads);
nn.manualSeed(0);
const model = cifarResNet(20, { inChannels: 1 });
const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const x = nn.keep(nn.randn([64, 1, 28, 28])), y = nn.keep(nn.randint(0, 10, [64]));
const step = () => {
  nn.tidy(() => crossEntropy(model.call(x), y).backward());
  opt.step();
  opt.zeroGrad();
};
step();

const timer = timeKernels();
const wall = timer.measure(step, 3);
console.log(`threads ${threads}: step ${wall.toFixed(1)} ms, in kernels ${timer.kernelMs().toFixed(1)} ms (${(64000 / wall).toFixed(0)} samples/s)`);
timer.report(40);
