/**
 * The vanishing-gradient lesson (Hochreiter and Schmidhuber 1997): on the
 * adding problem with sequences of 50 steps, the target depends on two
 * inputs far apart. An Elman RNN's gradient through 50 tanh steps vanishes
 * and it stays at the trivial baseline (MSE ≈ 1/6, predicting the mean);
 * an LSTM, whose cell state carries the gradient, learns it.
 *
 *   npm run start -w @nn/example-adding-problem    (writes out/curves.html)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addingProblem } from '@nn/data';
import { Linear, mseLoss } from '@nn/layers-core';
import { LSTM, RNN } from '@nn/layers-recurrent';
import { Adam, clipGradNorm } from '@nn/optim';
import { dispose, manualSeed, type Tensor, tidy } from '@nn/tensor';
import { plotSeries, type Series } from '@nn/train';

const length = Number(process.env.LENGTH ?? 50);
const steps = Number(process.env.STEPS ?? 1000);
const every = 25;

const series: Series[] = [];
for (const kind of ['LSTM', 'Elman RNN'] as const) {
  manualSeed(1);
  const layer = kind === 'LSTM' ? new LSTM(2, 32) : new RNN(2, 32);
  const head = new Linear(32, 1);
  const params = [...layer.parameters(), ...head.parameters()];
  const opt = new Adam(params, { lr: 0.01 });
  const predict = (x: Tensor) => head.call(layer.forwardWithState(x).h.index(0));
  const test = addingProblem(length, 500);
  const curve: number[] = [], xs: number[] = [];
  const start = performance.now();
  for (let step = 1; step <= steps; step++) {
    const { x, y } = addingProblem(length, 64);
    tidy(() => mseLoss(predict(x), y).backward());
    clipGradNorm(params, 1); // the chapter's aid against exploding gradients
    opt.step();
    opt.zeroGrad();
    dispose([x, y]);
    if (step % every === 0) {
      curve.push(tidy(() => mseLoss(predict(test.x), test.y).item()));
      xs.push(step);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`${kind.padEnd(10)} test MSE after ${steps} steps: ${curve[curve.length - 1]!.toFixed(4)} (baseline ≈ 0.167; ${seconds.toFixed(0)}s)`);
  series.push({ name: kind, values: curve, x: xs });
}
series.push({ name: 'baseline (predict the mean)', values: series[0]!.x!.map(() => 1 / 6), x: series[0]!.x });

const out = join(process.cwd(), 'out');
mkdirSync(out, { recursive: true });
await plotSeries(series, join(out, 'curves.html'), {
  title: `The adding problem, sequences of ${length}: test MSE during training`,
  xLabel: 'training step (batches of 64)',
  yLabel: 'test MSE',
  logY: true,
});
console.log(`wrote ${join(out, 'curves.html')}`);
