/**
 * Activations over 1M elements, elements/s: nn's cpu backend against
 * @tensorflow/tfjs-backend-cpu in one process. tfjs has no GELU op; its
 * figure is the tanh-form GELU written with tfjs ops, as a tfjs user would.
 *
 *   npm run bench:activations -w @nn/bench
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as A from '@nn/activations';
import * as nn from '@nn/tensor';
import { minTime, printTable } from './timing.mjs';

await tf.setBackend('cpu');
const runs = process.argv.includes('--quick') ? 3 : 15;
const N = 1 << 20;
const data = Float32Array.from({ length: N }, () => Math.random() * 8 - 4);
const x = nn.tensor(data, [1024, 1024]);
const tx = tf.tensor2d(data, [1024, 1024]);
const tfGeluTanh = (t) =>
  tf.tidy(() => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(t, tf.mul(0.044715, tf.pow(t, 3))))))));

const cases = [
  ['relu', () => A.relu(x), () => tf.relu(tx)],
  ['sigmoid', () => A.sigmoid(x), () => tf.sigmoid(tx)],
  ['tanh', () => A.tanh(x), () => tf.tanh(tx)],
  ['leaky relu', () => A.leakyRelu(x, 0.1), () => tf.leakyRelu(tx, 0.1)],
  ['elu', () => A.elu(x), () => tf.elu(tx)],
  ['gelu (tanh form)', () => A.gelu(x, { approximate: 'tanh' }), () => tfGeluTanh(tx)],
  ['gelu (exact, erf)', () => A.gelu(x), () => tfGeluTanh(tx)],
  ['softmax (rows of 1024)', () => A.softmax(x), () => tf.softmax(tx)],
];
const rows = [];
for (const [name, ours, theirs] of cases) {
  const tOurs = minTime(() => ours().dispose(), { runs });
  const tTheirs = minTime(() => theirs().dispose(), { runs });
  const rate = (ms) => `${(N / ms / 1e3).toFixed(0)} M/s`;
  rows.push([`${name} 1M`, rate(tOurs), rate(tTheirs), (tTheirs / tOurs).toFixed(2)]);
}
console.log(`@nn/activations on the cpu backend vs tfjs-backend-cpu ${tf.version_core}, node ${process.version}; min of ${runs} runs`);
console.log('(tfjs has no GELU op: both GELU rows compare with the tanh form built from tfjs ops)\n');
printTable(['activation', 'nn cpu', 'tfjs cpu', 'ratio (nn/tfjs speed)'], rows);
