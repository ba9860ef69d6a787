/**
 * The classification zoo's hot paths, nn on cpu and on wasm at 1 and 2
 * threads: a ResNet-20 training step (the paper's CIFAR net, option A,
 * 28x28x1, batch 64, SGD with momentum, as ../shared/anchors/torch_r20.py
 * times PyTorch) and ResNet-18 batch-1 inference at 224x224 (eval mode).
 * Every figure is the best of several runs after a warm-up, except
 * tfjs-layers on tfjs-backend-cpu: its training step takes minutes, so it
 * is one timed `trainOnBatch` after one warm-up step. The other peers'
 * figures come from ../shared/anchors (PyTorch is not installed here).
 *
 *   npm run bench:resnet -w @nn/bench [-- --quick]
 */
import { crossEntropy } from '@nn/layers-core';
import { cifarResNet, resnet18 } from '@nn/models';
import { SGD } from '@nn/optim';
import { noGrad } from '@nn/autograd';
import * as nn from '@nn/tensor';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { tfResNet20 } from './tf-models.mjs';
import { minTime, nnBackends, printTable } from './timing.mjs';

const quick = process.argv.includes('--quick');
const runs = quick ? 2 : 5;


function resnet20Step() {
  nn.manualSeed(0);
  const model = cifarResNet(20, { inChannels: 1 });
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = nn.keep(nn.randn([64, 1, 28, 28])), y = nn.keep(nn.randint(0, 10, [64]));
  const ms = minTime(() => {
    nn.tidy(() => crossEntropy(model.call(x), y).backward());
    opt.step();
    opt.zeroGrad();
  }, { runs });
  return 64 / (ms / 1000);
}

function resnet18Inference() {
  nn.manualSeed(0);
  const model = resnet18().eval();
  const x = nn.keep(nn.randn([1, 3, 224, 224]));
  return minTime(() => noGrad(() => nn.tidy(() => model.call(x).dataSync())), { runs, warmup: 1 });
}

nn.use(wasmPlugin);
const rows = [];
for (const [label, setup] of nnBackends(nn, setThreads)) {
  await setup();
  rows.push([label, resnet20Step().toFixed(0), resnet18Inference().toFixed(1)]);
}
// tfjs-layers: the same ResNet-20 (NHWC), trained the way its docs do, with trainOnBatch.
await tf.setBackend('cpu');
{
  const model = tfResNet20();
  model.compile({ optimizer: tf.train.momentum(0.1, 0.9), loss: tf.losses.softmaxCrossEntropy });
  const x = tf.randomNormal([64, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10);
  await model.trainOnBatch(x, y);
  const t0 = performance.now();
  await model.trainOnBatch(x, y);
  rows.push(['tfjs-layers on tfjs-backend-cpu 4.22 (1 step)', (64 / ((performance.now() - t0) / 1000)).toFixed(2), '']);
}
rows.push(['PyTorch 2.13 CPU, 1 / 2 threads (anchors)', '304 / 629', '']);
rows.push(['onnxruntime-web 1 / 2 threads (anchors)', '', '143 / 99']);
rows.push(['onnxruntime-node 1 / 2 threads (anchors)', '', '21 / 11']);
console.log(`ResNet-20 training step (28x28x1, batch 64, SGD momentum) and ResNet-18 batch-1 inference (224x224); node ${process.version}; best of ${runs}`);
printTable(['implementation', 'ResNet-20 train samples/s', 'ResNet-18 infer ms'], rows);
