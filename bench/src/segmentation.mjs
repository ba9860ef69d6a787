/**
 * Segmentation nets at 64x64: one training step (batch 16, Adam, per-pixel
 * cross-entropy) and one batch-1 prediction (eval mode) of FCN-8s and
 * DeconvNet at the sizes `nn train` uses (VGG-16's stages at 1/8 width, 11
 * classes, one input channel), on nn's cpu backend and on wasm at 1 and 2
 * threads. Each figure is the best of several runs after a warm-up. No
 * peer: neither tfjs nor onnxruntime ships these nets; PyTorch is not
 * installed here.
 *
 *   npm run bench:segmentation -w @nn/bench [-- --quick]
 */
import { noGrad } from '@nn/autograd';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';
import { buildSegmentation } from '@nn/cli';
import { crossEntropy } from '@nn/layers-core';
import { Adam } from '@nn/optim';
import * as nn from '@nn/tensor';
import { minTime, nnBackends, printTable } from './timing.mjs';

const quick = process.argv.includes('--quick');
const runs = quick ? 2 : 5;
const classes = ['background', ...'0123456789'];
const config = (arch) => ({ arch, data: 'mnist-seg', upsampling: 'stepwise', decoder: 'deconv', size: 64, classes, mean: 0, std: 1 });

function trainStep(arch) {
  nn.manualSeed(0);
  const model = buildSegmentation(config(arch));
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const x = nn.keep(nn.randn([16, 1, 64, 64])), y = nn.keep(nn.randint(0, 11, [16, 64, 64]));
  const ms = minTime(() => {
    nn.tidy(() => crossEntropy(model.call(x), y).backward());
    opt.step();
    opt.zeroGrad();
  }, { runs, warmup: 1 });
  return ms;
}

function predictOne(arch) {
  nn.manualSeed(0);
  const model = buildSegmentation(config(arch)).eval();
  const x = nn.keep(nn.randn([1, 1, 64, 64]));
  return minTime(() => noGrad(() => nn.tidy(() => model.call(x).argmax(1).dataSync())), { runs: runs * 4, warmup: 2 });
}

nn.use(wasmPlugin);
const rows = [];
for (const [label, setup] of nnBackends(nn, setThreads)) {
  await setup();
  rows.push([label, ...['fcn8s', 'deconvnet'].flatMap((arch) => [trainStep(arch).toFixed(1), predictOne(arch).toFixed(2)])]);
}
console.log(`Segmentation at 64x64 (1/8-width VGG-16 stages, 11 classes): training step at batch 16 (Adam) and batch-1 prediction, ms; node ${process.version}; best of ${runs}`);
printTable(['backend', 'FCN-8s train step', 'FCN-8s predict', 'DeconvNet train step', 'DeconvNet predict'], rows);
