/**
 * The residual-learning lesson (He et al. 2016), in two experiments on
 * Fashion-MNIST (MNIST where Debian's dataset-fashion-mnist is missing):
 *
 * 1. Gradient flow at initialisation: ‖∂E/∂W‖ of every convolution of
 *    plain-56 and ResNet-56 on one real batch, against depth.
 * 2. Degradation: plain nets at two depths and ResNets at the same depths,
 *    trained the same way; training error per epoch in one picture.
 *
 *   npm run start -w @nn/example-residual-learning
 *   (env: SAMPLES, EPOCHS, DEPTHS=20,56, BATCH; writes out/*.svg and out/results.json)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wasmPlugin } from '@nn/backend-wasm';
import { channelStats, DataLoader, type ImageDataset, loadFashionMnist, loadMnist, normalizeChannels, TensorDataset } from '@nn/data';
import { crossEntropy, type Module } from '@nn/layers-core';
import { CifarResNet, cifarResNet, plainNet } from '@nn/models';
import { Adam } from '@nn/optim';
import { manualSeed, setBackend, tidy, use } from '@nn/tensor';
import { fit, plotSeries, type Series } from '@nn/train';

use(wasmPlugin);
await setBackend('wasm');

const samples = Number(process.env.SAMPLES ?? 2000);
const epochs = Number(process.env.EPOCHS ?? 6);
const batch = Number(process.env.BATCH ?? 64);
const depths = (process.env.DEPTHS ?? '20,56').split(',').map(Number) as [number, number];
const out = join(process.cwd(), 'out');
mkdirSync(out, { recursive: true });

let data: ImageDataset, dataName: string;
try {
  data = loadFashionMnist();
  dataName = 'Fashion-MNIST';
} catch {
  data = loadMnist();
  dataName = 'MNIST';
}
const images = data.train.images.slice([0], [samples]);
const labels = data.train.labels.slice([0], [samples]);
const stats = channelStats(images);
const normalize = normalizeChannels(stats.mean, stats.std);

// ------------------------------------------------ 1. gradient flow at init

/** ‖∂E/∂W‖ for every convolution, in order of depth (the stem is layer 1). */
function gradientNorms(model: CifarResNet): number[] {
  const x = normalize(images.slice([0], [32]), Math.random);
  const y = labels.slice([0], [32]);
  model.train();
  tidy(() => crossEntropy(model.call(x), y).backward());
  const convs = model.namedParameters().filter(([name, p]) => name.endsWith('weight') && p.rank === 4);
  const norms = convs.map(([, p]) => Math.sqrt(p.grad!.square().sum().item()));
  model.zeroGrad();
  return norms;
}

const deep = depths[1];
manualSeed(1);
const plainNorms = gradientNorms(plainNet(deep, { inChannels: 1 }));
manualSeed(1);
const residualNorms = gradientNorms(cifarResNet(deep, { inChannels: 1 }));
const layers = plainNorms.map((_, i) => i + 1);
await plotSeries(
  [
    { name: `plain-${deep}`, values: plainNorms, x: layers },
    { name: `ResNet-${deep}`, values: residualNorms, x: layers },
  ],
  join(out, 'gradient-flow.svg'),
  { title: `‖∂E/∂W‖ per convolution at initialisation (one batch of 32 ${dataName} images)`, xLabel: 'layer (1 = first convolution)', yLabel: '‖∂E/∂W‖ (log)', logY: true, width: 560 },
);
const firstLayerRatio = residualNorms[0]! / plainNorms[0]!;
console.log(`gradient at the first layer: ResNet-${deep} ${residualNorms[0]!.toExponential(3)}, plain-${deep} ${plainNorms[0]!.toExponential(3)} (ResNet / plain: ${firstLayerRatio.toPrecision(3)})`);
console.log(`gradient at the last convolution: ResNet-${deep} ${residualNorms.at(-1)!.toExponential(3)}, plain-${deep} ${plainNorms.at(-1)!.toExponential(3)}`);

// --------------------------------------------------------- 2. degradation

const loader = () => new DataLoader(new TensorDataset(images, labels), { batchSize: batch, shuffle: true, seed: 1, transform: normalize });
const curves: Series[] = [];
const results: Record<string, unknown> = { data: dataName, samples, epochs, batch, firstLayerRatio, plainNorms, residualNorms };
for (const depth of depths) {
  for (const residual of [false, true]) {
    manualSeed(2);
    const model: Module = residual ? cifarResNet(depth, { inChannels: 1 }) : plainNet(depth, { inChannels: 1 });
    const name = `${residual ? 'ResNet' : 'plain'}-${depth}`;
    const start = performance.now();
    const history = fit(model, loader(), { epochs, optimizer: new Adam(model.parameters(), { lr: 1e-3 }), loss: 'crossEntropy', verbose: false });
    const seconds = (performance.now() - start) / 1000;
    const errors = history.epochs.map((e) => 100 * (1 - e.accuracy!));
    curves.push({ name, values: errors });
    results[name] = { trainingErrorPercent: errors, seconds };
    console.log(`${name}: training error by epoch ${errors.map((e) => e.toFixed(1)).join(', ')} % (${seconds.toFixed(0)} s)`);
  }
}
await plotSeries(curves, join(out, 'degradation.svg'), {
  title: `Training error on ${samples.toLocaleString('en-US')} ${dataName} images (Adam 1e-3, batch ${batch})`,
  yLabel: 'training error (%)',
  width: 560,
});
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
console.log(`wrote ${join(out, 'gradient-flow.svg')}, degradation.svg and results.json`);
