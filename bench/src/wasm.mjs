/**
 * @nn/backend-wasm against @tensorflow/tfjs-backend-wasm 4.22, in one
 * process: matmul 1024, conv2d 3x3 (B8, 56x56x64 -> 64), MLP 784-256-10 and
 * LSTM (64 -> 128, sequence 32, batch 32) training steps, LeNet-5 batch-1
 * inference and LeNet-5 training (batch 64). nn runs at 1 and 2 threads;
 * tfjs-backend-wasm switches threads off under Node, so its figure is
 * 1 thread and the 2-thread ratio compares against it (said in the table).
 * Every figure is the best of several runs after a warm-up.
 *
 *   npm run bench:wasm -w @nn/bench [-- --quick]
 *   node --experimental-wasm-relaxed-simd src/wasm.mjs   (nn with fused multiply-adds)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { crossEntropy, Linear } from '@nn/layers-core';
import { conv2d } from '@nn/layers-conv';
import { LSTM } from '@nn/layers-recurrent';
import { lenet5, mlp } from '@nn/models';
import { Adam } from '@nn/optim';
import { noGrad } from '@nn/autograd';
import * as nn from '@nn/tensor';
import { relaxedSimdSupported, setThreads, wasmPlugin } from '@nn/backend-wasm';
import { tfLenet5 } from './tf-models.mjs';
import { printTable } from './timing.mjs';

const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 7;

/** Best ms per call of `fn` (which may be async) over `runs` runs of `inner` calls, after a warm-up. */
async function bestMs(fn, inner = 1, warmup = 2) {
  for (let i = 0; i < warmup; i++) await fn();
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) await fn();
    best = Math.min(best, (performance.now() - t0) / inner);
  }
  return best;
}

const rand = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);

// ---------------------------------------------------------------- nn side
const nnBench = {
  async matmul() {
    const a = nn.keep(nn.tensor(rand(1024 * 1024), [1024, 1024])), b = nn.keep(nn.tensor(rand(1024 * 1024), [1024, 1024]));
    const ms = await bestMs(() => nn.tidy(() => nn.matmul(a, b).dataSync()));
    return (2 * 1024 ** 3) / ms / 1e6; // GFLOPS
  },
  async conv() {
    const x = nn.keep(nn.tensor(rand(8 * 64 * 56 * 56), [8, 64, 56, 56])), w = nn.keep(nn.tensor(rand(64 * 64 * 9), [64, 64, 3, 3]));
    return bestMs(() => nn.tidy(() => conv2d(x, w, null, { padding: 1 }).dataSync()));
  },
  async mlp() {
    nn.manualSeed(1);
    const model = mlp([784, 256, 10]);
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    const x = nn.keep(nn.tensor(rand(64 * 784), [64, 784])), y = nn.keep(nn.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64], 'int32'));
    const ms = await bestMs(() => {
      nn.tidy(() => crossEntropy(model.call(x), y).backward());
      opt.step();
      opt.zeroGrad();
    }, 20, 5);
    return (64 / ms) * 1000;
  },
  async lstm() {
    nn.manualSeed(1);
    const lstm = new LSTM(64, 128), head = new Linear(128, 10);
    const opt = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
    const x = nn.keep(nn.tensor(rand(32 * 32 * 64), [32, 32, 64])), y = nn.keep(nn.tensor(Int32Array.from({ length: 32 }, (_, i) => i % 10), [32], 'int32'));
    const ms = await bestMs(() => {
      nn.tidy(() => crossEntropy(head.call(lstm.forwardWithState(x).h.index(0)), y).backward());
      opt.step();
      opt.zeroGrad();
    }, quick ? 2 : 5);
    return (32 / ms) * 1000;
  },
  async lenetInfer() {
    nn.manualSeed(1);
    const net = lenet5();
    const x = nn.keep(nn.tensor(rand(784), [1, 1, 28, 28]));
    return 1000 * (await bestMs(() => noGrad(() => nn.tidy(() => net.call(x).dataSync())), 200, 2000));
  },
  async lenetTrain() {
    nn.manualSeed(1);
    const net = lenet5();
    const opt = new Adam(net.parameters(), { lr: 1e-3 });
    const x = nn.keep(nn.tensor(rand(64 * 784), [64, 1, 28, 28])), y = nn.keep(nn.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64], 'int32'));
    const ms = await bestMs(() => {
      nn.tidy(() => crossEntropy(net.call(x), y).backward());
      opt.step();
      opt.zeroGrad();
    }, 5);
    return (64 / ms) * 1000;
  },
};

// -------------------------------------------------------------- tfjs side
const loss = (t, logits) => tf.losses.softmaxCrossEntropy(t, logits);

const tfBench = {
  async matmul() {
    const a = tf.tensor2d(rand(1024 * 1024), [1024, 1024]), b = tf.tensor2d(rand(1024 * 1024), [1024, 1024]);
    // Timed the way tfjs is used at its fastest: run the op, read, dispose. Inside tf.tidy,
    // tfjs-backend-wasm takes a path about 15x slower (measured: 840-1,147 ms against 57-70 ms).
    const ms = await bestMs(() => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    });
    return (2 * 1024 ** 3) / ms / 1e6;
  },
  async conv() {
    const x = tf.tensor4d(rand(8 * 56 * 56 * 64), [8, 56, 56, 64]), w = tf.tensor4d(rand(9 * 64 * 64), [3, 3, 64, 64]);
    return bestMs(() => {
      const y = tf.conv2d(x, w, 1, 'same');
      y.dataSync();
      y.dispose();
    });
  },
  async mlp() {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }), tf.layers.dense({ units: 10 })] });
    model.compile({ optimizer: tf.train.adam(1e-3), loss });
    const x = tf.tensor2d(rand(64 * 784), [64, 784]), y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 64 }, (_, i) => i % 10), 'int32'), 10);
    return (64 / (await bestMs(() => model.trainOnBatch(x, y), 20, 5))) * 1000;
  },
  async lstm() {
    const model = tf.sequential({ layers: [tf.layers.lstm({ units: 128, inputShape: [32, 64] }), tf.layers.dense({ units: 10 })] });
    model.compile({ optimizer: tf.train.adam(1e-3), loss });
    const x = tf.tensor3d(rand(32 * 32 * 64), [32, 32, 64]), y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 32 }, (_, i) => i % 10), 'int32'), 10);
    return (32 / (await bestMs(() => model.trainOnBatch(x, y), quick ? 2 : 5))) * 1000;
  },
  async lenetInfer() {
    const model = tfLenet5();
    const x = tf.tensor4d(rand(784), [1, 28, 28, 1]);
    return 1000 * (await bestMs(() => {
      const y = model.predict(x);
      y.dataSync();
      y.dispose();
    }, 200, 2000));
  },
  async lenetTrain() {
    const model = tfLenet5();
    model.compile({ optimizer: tf.train.adam(1e-3), loss });
    const x = tf.tensor4d(rand(64 * 784), [64, 28, 28, 1]), y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 64 }, (_, i) => i % 10), 'int32'), 10);
    return (64 / (await bestMs(() => model.trainOnBatch(x, y), 5))) * 1000;
  },
};

const rows = [
  ['matmul', '1024x1024x1024', 'GFLOPS', true],
  ['conv', 'conv2d 3x3, B8 56x56x64 -> 64', 'ms', false],
  ['mlp', 'MLP 784-256-10 train (batch 64)', 'samples/s', true],
  ['lstm', 'LSTM 64->128, T32 B32 train', 'samples/s', true],
  ['lenetInfer', 'LeNet-5 inference, batch 1', 'us', false],
  ['lenetTrain', 'LeNet-5 train (batch 64)', 'samples/s', true],
];
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

nn.use(wasmPlugin);
await nn.setBackend('wasm');
await tf.setBackend('wasm');
await tf.ready();
const results = [];
for (const [key, label, unit, higherIsBetter] of rows) {
  if (only && !only.includes(key)) continue;
  await setThreads(1);
  const one = await nnBench[key]();
  await setThreads(2);
  const two = await nnBench[key]();
  let theirs;
  try {
    theirs = await tfBench[key]();
  } catch (e) {
    theirs = `fails: ${String(e.message).slice(0, 60)}`;
  }
  const ratio = (ours) => (typeof theirs !== 'number' ? 'n/a' : (higherIsBetter ? ours / theirs : theirs / ours).toFixed(2));
  const fmt = (v) => (typeof v === 'number' ? (v >= 100 ? Math.round(v) : v.toFixed(1)) : v);
  results.push([label, unit, fmt(one), fmt(two), fmt(theirs), ratio(one), ratio(two)]);
}
console.log(`nn wasm (${relaxedSimdSupported() ? 'relaxed SIMD' : 'baseline SIMD'}) vs tfjs-backend-wasm 4.22 (1 thread under Node); node ${process.version}; best of ${runs} runs\n`);
printTable(['benchmark', 'unit', 'nn 1T', 'nn 2T', 'tfjs-wasm 1T', 'speed-up 1T', 'speed-up 2T vs tfjs 1T'], results);
process.exit(0);
