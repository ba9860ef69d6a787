/**
 * An LSTM training step (input 64, hidden 128, sequence 32, batch 32, then
 * a 10-way linear classifier on the last state, Adam, cross-entropy), in
 * samples/s: nn's cpu and wasm backends (wasm at 1 and 2 threads) against
 * tfjs-layers on tfjs-backend-cpu and tfjs-backend-wasm (single-threaded
 * under Node), in one process.
 *
 *   npm run bench:lstm -w @nn/bench
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { crossEntropy, Linear } from '@nn/layers-core';
import { LSTM } from '@nn/layers-recurrent';
import { Adam } from '@nn/optim';
import * as nn from '@nn/tensor';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';
import { printTable } from './timing.mjs';

const [I, H, T, B] = [64, 128, 32, 32];
const quick = process.argv.includes('--quick');
const steps = quick ? 3 : 8;
const xData = Float32Array.from({ length: T * B * I }, () => Math.random() - 0.5);
const labels = Int32Array.from({ length: B }, () => Math.floor(Math.random() * 10));

async function best(step, repeats = quick ? 1 : 3) {
  for (let i = 0; i < 2; i++) await step();
  let ms = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    ms = Math.min(ms, (performance.now() - t0) / steps);
  }
  return (B / ms) * 1000;
}

async function ours() {
  nn.manualSeed(1);
  const lstm = new LSTM(I, H), head = new Linear(H, 10);
  const params = [...lstm.parameters(), ...head.parameters()];
  const opt = new Adam(params, { lr: 1e-3 });
  const x = nn.keep(nn.tensor(xData, [T, B, I])), y = nn.keep(nn.tensor(labels, [B], 'int32'));
  return best(() => {
    nn.tidy(() => crossEntropy(head.call(lstm.forwardWithState(x).h.index(0)), y).backward());
    opt.step();
    opt.zeroGrad();
  });
}

async function tfjs(backend) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tf.sequential({ layers: [tf.layers.lstm({ units: H, inputShape: [T, I] }), tf.layers.dense({ units: 10 })] });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (t, logits) => tf.losses.softmaxCrossEntropy(t, logits) });
  // tfjs is batch-major: [B, T, I].
  const xs = tf.tidy(() => tf.transpose(tf.tensor3d(xData, [T, B, I]), [1, 0, 2]));
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  return best(() => model.trainOnBatch(xs, ys));
}

const oursRate = await ours();
nn.use(wasmPlugin);
await nn.setBackend('wasm');
await setThreads(1);
const wasm1Rate = await ours();
await setThreads(2);
const wasm2Rate = await ours();
await nn.setBackend('cpu');
const cpuRate = await tfjs('cpu');
let wasmRate = NaN;
try {
  wasmRate = await tfjs('wasm');
} catch (e) {
  console.log(`tfjs-backend-wasm failed: ${e.message}`);
}
console.log(`LSTM train step (input ${I}, hidden ${H}, sequence ${T}, batch ${B}); node ${process.version}\n`);
printTable(
  ['implementation', 'samples/s', 'nn cpu / this', 'nn wasm 1T / this', 'nn wasm 2T / this'],
  [
    ['nn (cpu backend)', Math.round(oursRate), '1.00', '', ''],
    ['nn (wasm backend, 1 thread)', Math.round(wasm1Rate), '', '1.00', ''],
    ['nn (wasm backend, 2 threads)', Math.round(wasm2Rate), '', '', '1.00'],
    ...[
      ['tfjs-layers on tfjs-backend-cpu', cpuRate],
      ['tfjs-layers on tfjs-backend-wasm (1 thread)', wasmRate],
    ].map(([name, rate]) => [name, Math.round(rate), (oursRate / rate).toFixed(2), (wasm1Rate / rate).toFixed(2), (wasm2Rate / rate).toFixed(2)]),
  ],
);
