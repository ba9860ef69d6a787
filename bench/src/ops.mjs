/**
 * The cpu backend against TensorFlow.js's cpu backend, in one process:
 * matmul (GFLOPS) and elementwise ops and reductions on 1M elements
 * (elements/s). Ratios above 1 mean nn is faster.
 *
 *   npm run bench
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as nn from '@nn/tensor';
import { minTime, printTable } from './timing.mjs';

await tf.setBackend('cpu');
nn.setBackend('cpu');
const quick = process.argv.includes('--quick');

const rows = [];

for (const n of quick ? [128, 256] : [128, 256, 512, 1024]) {
  const runs = n >= 1024 ? 3 : n >= 512 ? 5 : 9;
  const data = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const a = nn.tensor(data, [n, n]), b = nn.tensor(data, [n, n]);
  const ta = tf.tensor2d(data, [n, n]), tb = tf.tensor2d(data, [n, n]);
  const ours = minTime(() => a.matmul(b).dispose(), { runs, warmup: 1 });
  const theirs = minTime(() => tf.matMul(ta, tb).dataSync(), { runs, warmup: 1 });
  const gflops = (ms) => (2 * n ** 3) / ms / 1e6;
  rows.push([`matmul ${n}x${n}`, `${gflops(ours).toFixed(2)} GFLOPS`, `${gflops(theirs).toFixed(2)} GFLOPS`, (theirs / ours).toFixed(2)]);
}

const N = 1 << 20;
const x = Float32Array.from({ length: N }, () => Math.random() * 4 - 2);
const y = Float32Array.from({ length: N }, () => Math.random() * 4 - 2);
const a = nn.tensor(x, [1024, 1024]), b = nn.tensor(y, [1024, 1024]), row = nn.tensor(y.subarray(0, 1024), [1024]);
const ta = tf.tensor2d(x, [1024, 1024]), tb = tf.tensor2d(y, [1024, 1024]), trow = tf.tensor1d(y.subarray(0, 1024));
const cases = [
  ['add', () => a.add(b), () => tf.add(ta, tb)],
  ['add (broadcast row)', () => a.add(row), () => tf.add(ta, trow)],
  ['mul', () => a.mul(b), () => tf.mul(ta, tb)],
  ['exp', () => a.exp(), () => tf.exp(ta)],
  ['relu', () => a.relu(), () => tf.relu(ta)],
  ['sigmoid', () => a.sigmoid(), () => tf.sigmoid(ta)],
  ['sum (all)', () => a.sum(), () => tf.sum(ta)],
  ['sum (axis 0)', () => a.sum(0), () => tf.sum(ta, 0)],
  ['sum (axis 1)', () => a.sum(1), () => tf.sum(ta, 1)],
  ['max (axis 1)', () => a.max(1), () => tf.max(ta, 1)],
  ['mean (all)', () => a.mean(), () => tf.mean(ta)],
  ['transpose', () => a.transpose(), () => tf.transpose(ta)],
];
for (const [name, ours, theirs] of cases) {
  const tOurs = minTime(() => ours().dispose(), { runs: quick ? 3 : 15 });
  const tTheirs = minTime(() => theirs().dispose(), { runs: quick ? 3 : 15 });
  const rate = (ms) => `${(N / ms / 1e3).toFixed(0)} M/s`;
  rows.push([`${name} 1M`, rate(tOurs), rate(tTheirs), (tTheirs / tOurs).toFixed(2)]);
}

console.log(`nn cpu vs tfjs-backend-cpu ${tf.version_core}, node ${process.version}; min of several runs\n`);
printTable(['benchmark', 'nn cpu', 'tfjs cpu', 'ratio (nn/tfjs speed)'], rows);
