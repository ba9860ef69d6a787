/**
 * Convolution and LeNet-5 training against TensorFlow.js's cpu backend, in
 * one process: conv2d forward (B32 28x28x1 → 32, 3x3 same; B8 56x56x64 →
 * 64, 3x3 same) in GFLOPS, and a LeNet-5 training step (batch 64, Adam,
 * cross-entropy) in samples/s (tfjs-layers on tfjs-backend-cpu; its wasm
 * backend cannot train it: it lacks Conv2DBackpropFilter).
 *
 *   npm run bench:conv -w @nn/bench
 */
import * as tf from '@tensorflow/tfjs';
import { conv2d } from '@nn/layers-conv';
import { crossEntropy } from '@nn/layers-core';
import { lenet5 } from '@nn/models';
import { Adam } from '@nn/optim';
import * as nn from '@nn/tensor';
import { tfLenet5 } from './tf-models.mjs';
import { minTime, printTable } from './timing.mjs';

await tf.setBackend('cpu');
const quick = process.argv.includes('--quick');
const rows = [];

for (const [label, [N, H, W, C], O] of [
  ['conv2d B32 28x28x1→32 3x3 same', [32, 28, 28, 1], 32],
  ['conv2d B8 56x56x64→64 3x3 same', [8, 56, 56, 64], 64],
]) {
  const flops = 2 * N * H * W * O * C * 9;
  const x = nn.randn([N, C, H, W]), w = nn.randn([O, C, 3, 3]);
  const tx = tf.randomNormal([N, H, W, C]), tw = tf.randomNormal([3, 3, C, O]);
  const runs = quick ? 2 : 5;
  const ours = minTime(() => conv2d(x, w, null, { padding: 'same' }).dispose(), { runs, warmup: 1 });
  const theirs = minTime(() => {
    const y = tf.conv2d(tx, tw, 1, 'same');
    y.dataSync();
    y.dispose();
  }, { runs, warmup: 1 });
  const g = (ms) => `${(flops / ms / 1e6).toFixed(2)} GFLOPS`;
  rows.push([label, g(ours), g(theirs), (theirs / ours).toFixed(2)]);
}

const batch = 64;
const images = Float32Array.from({ length: batch * 784 }, () => Math.random());
const labels = Int32Array.from({ length: batch }, () => Math.floor(Math.random() * 10));

// nn
const net = lenet5();
const opt = new Adam(net.parameters(), { lr: 1e-3 });
const x = nn.keep(nn.tensor(images, [batch, 1, 28, 28])), y = nn.keep(nn.tensor(labels, [batch], 'int32'));
const ourStep = () => {
  nn.tidy(() => crossEntropy(net.call(x), y).backward());
  opt.step();
  opt.zeroGrad();
};
const ourMs = minTime(ourStep, { runs: quick ? 3 : 10, warmup: 2 });

// tfjs-layers: the same network (NHWC)
const model = tfLenet5();
model.compile({ optimizer: tf.train.adam(1e-3), loss: (t, logits) => tf.losses.softmaxCrossEntropy(t, logits) });
const tx = tf.tensor4d(images, [batch, 28, 28, 1]), ty = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
await model.trainOnBatch(tx, ty);
let tfMs = Infinity;
for (let r = 0; r < (quick ? 1 : 3); r++) {
  const t0 = performance.now();
  await model.trainOnBatch(tx, ty);
  tfMs = Math.min(tfMs, performance.now() - t0);
}
const rate = (ms) => `${Math.round((batch / ms) * 1000)} samples/s`;
rows.push(['LeNet-5 train step, batch 64', rate(ourMs), rate(tfMs), (tfMs / ourMs).toFixed(1)]);

console.log(`nn cpu vs tfjs-backend-cpu ${tf.version.tfjs}, node ${process.version}; best of several runs\n`);
printTable(['benchmark', 'nn cpu', 'tfjs cpu', 'ratio (nn/tfjs speed)'], rows);
