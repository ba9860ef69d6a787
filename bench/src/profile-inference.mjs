/**
 * Where batch-1 inference of a model spends its time on wasm, by kernel:
 * every kernel call is timed (kernels are synchronous, threads included)
 * and summed by op and input shapes; run at 1 and 2 threads to see what
 * scales.
 *
 *   node bench/src/profile-inference.mjs resnet18|googlenet|googlenet-tv|fcn8s [threads]
 */
import { buildSegmentation } from '@nn/cli';
import { GoogLeNet, resnet18 } from '@nn/models';
import { noGrad } from '@nn/autograd';
import * as nn from '@nn/tensor';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';
import { timeKernels } from './kernel-timer.mjs';

const which = process.argv[2] ?? 'resnet18';
const threads = Number(process.argv[3] ?? 1);
nn.use(wasmPlugin);
await nn.setBackend('wasm');
await setThreads(threads);
nn.manualSeed(0);
const [model, shape] = await {
  resnet18: () => [resnet18(), [1, 3, 224, 224]],
  googlenet: () => [new GoogLeNet({ auxLogits: false }), [1, 3, 224, 224]],
  'googlenet-tv': () => [new GoogLeNet({ flavour: 'torchvision', auxLogits: false }), [1, 3, 224, 224]],
  // the 1/8-width net of `nn train fcn8s`, as bench/src/onnx.mjs runs it
  fcn8s: () => [buildSegmentation({ arch: 'fcn8s', data: 'mnist-seg', upsampling: 'stepwise', decoder: 'deconv', size: 64, classes: ['background', ...'0123456789'], mean: 0, std: 1 }), [1, 1, 64, 64]],
}[which]();
if (typeof model.then === 'function') throw new Error('unexpected');
model.eval();
const x = nn.keep(nn.randn(shape));
// As the bench times it: no autograd recording, so eval folds are cached.
const run = () => noGrad(() => nn.tidy(() => model.call(x).dataSync()));
run();
run();

const reps = 5;
let best = Infinity;
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  run();
  best = Math.min(best, performance.now() - t0);
}
const timer = timeKernels();
timer.measure(run, reps);
console.log(`${which}, threads ${threads}: best ${best.toFixed(1)} ms untimed; timed runs average ${timer.kernelMs().toFixed(1)} ms in kernels`);
timer.report(Number(process.env.ROWS ?? 25));
