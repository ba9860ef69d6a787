/**
 * One training step of an MLP 784-256-10 (ReLU, Adam, batch 64,
 * cross-entropy), in samples/s: nn's cpu backend against tfjs-layers on
 * @tensorflow/tfjs-backend-cpu and @tensorflow/tfjs-backend-wasm, in one
 * process. tfjs-backend-wasm runs single-threaded under Node.
 *
 *   npm run bench:mlp -w @nn/bench
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { crossEntropy } from '@nn/layers-core';
import { mlp } from '@nn/models';
import { Adam } from '@nn/optim';
import * as nn from '@nn/tensor';
import { printTable } from './timing.mjs';

const batch = 64;
const steps = process.argv.includes('--quick') ? 20 : 60;
const repeats = 3;
const x = Float32Array.from({ length: batch * 784 }, () => Math.random());
const labels = Int32Array.from({ length: batch }, () => Math.floor(Math.random() * 10));

/** Best samples/s over `repeats` runs of `steps` steps, after a warm-up; `step` may be async. */
async function samplesPerSecond(step) {
  for (let i = 0; i < 5; i++) await step();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    best = Math.min(best, performance.now() - t0);
  }
  return (steps * batch) / (best / 1000);
}

function ours() {
  nn.manualSeed(1);
  const model = mlp([784, 256, 10]);
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const input = nn.keep(nn.tensor(x, [batch, 784]));
  const target = nn.keep(nn.tensor(labels, [batch], 'int32'));
  return samplesPerSecond(() => {
    nn.tidy(() => crossEntropy(model.call(input), target).backward());
    optimizer.step();
    optimizer.zeroGrad();
  });
}

async function tfjs(backend) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }), tf.layers.dense({ units: 10 })],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (y, logits) => tf.losses.softmaxCrossEntropy(y, logits) });
  const input = tf.tensor2d(x, [batch, 784]);
  const target = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  return samplesPerSecond(() => model.trainOnBatch(input, target));
}

const oursRate = await ours();
const cpuRate = await tfjs('cpu');
const wasmRate = await tfjs('wasm');
console.log(`MLP 784-256-10 train step (ReLU, Adam, batch ${batch}, cross-entropy); node ${process.version}; best of ${repeats} x ${steps} steps\n`);
printTable(
  ['implementation', 'samples/s', 'nn cpu / this'],
  [
    ['nn (cpu backend)', Math.round(oursRate), '1.00'],
    ['tfjs-layers on tfjs-backend-cpu', Math.round(cpuRate), (oursRate / cpuRate).toFixed(2)],
    ['tfjs-layers on tfjs-backend-wasm (1 thread)', Math.round(wasmRate), (oursRate / wasmRate).toFixed(2)],
  ],
);
