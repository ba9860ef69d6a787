/**
 * Online, mini-batch and full-batch gradient descent, as the chapter on
 * back-propagation contrasts them: the same network, the same data, the
 * same learning rate; only how many samples each weight update averages
 * over changes. Online (per-sample) learning updates after every sample,
 * full-batch learning once per epoch, mini-batch in between.
 *
 *   npm run start -w @nn/example-gradient-descent    (writes out/curves.html)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataLoader, loadMnist, normalize, TensorDataset } from '@nn/data';
import { crossEntropy } from '@nn/layers-core';
import { mlp } from '@nn/models';
import { SGD } from '@nn/optim';
import { manualSeed, tidy } from '@nn/tensor';
import { evaluate, fit, plotSeries, type Series } from '@nn/train';

const samples = Number(process.env.SAMPLES ?? 1000);
const epochs = Number(process.env.EPOCHS ?? 15);
const lr = 0.05;
const outDir = join(process.cwd(), 'out');

const { train } = loadMnist({ trainSize: samples, testSize: 0 });
const x = normalize(train.images, 0.1307, 0.3081);
const dataset = new TensorDataset(x, train.labels);
const everything = () => new DataLoader(dataset, { batchSize: samples });

const regimes = [
  { name: 'online (batch 1)', batchSize: 1 },
  { name: 'mini-batch (batch 32)', batchSize: 32 },
  { name: `full batch (batch ${samples})`, batchSize: samples },
];

const series: Series[] = [];
for (const { name, batchSize } of regimes) {
  manualSeed(1); // the same initial weights for all three
  const model = mlp([784, 64, 10], { activation: 'sigmoid' });
  const optimizer = new SGD(model.parameters(), { lr });
  const initial = tidy(() => crossEntropy(model.call(x), train.labels).item());
  const losses = [initial];
  const start = performance.now();
  fit(model, new DataLoader(dataset, { batchSize, shuffle: true, seed: 7 }), {
    epochs,
    optimizer,
    loss: 'crossEntropy',
    verbose: false,
    // The loss over the whole training set after each epoch, so the curves compare like with like.
    callbacks: [{ onEpochEnd: () => void losses.push(evaluate(model, everything(), { loss: 'crossEntropy' }).loss!) }],
  });
  const seconds = (performance.now() - start) / 1000;
  const updates = epochs * Math.ceil(samples / batchSize);
  console.log(`${name.padEnd(24)} ${String(updates).padStart(6)} updates in ${seconds.toFixed(1)}s: loss ${losses[0]!.toFixed(3)} -> ${losses[losses.length - 1]!.toFixed(3)}`);
  series.push({ name, values: losses, x: losses.map((_, i) => i) });
}

mkdirSync(outDir, { recursive: true });
const file = join(outDir, 'curves.html');
await plotSeries(series, file, {
  title: `Online vs mini-batch vs full-batch gradient descent (${samples} MNIST digits, SGD lr ${lr})`,
  xLabel: 'epoch',
  yLabel: 'training loss (cross-entropy)',
  logY: true,
});
console.log(`\nwrote ${file}`);
