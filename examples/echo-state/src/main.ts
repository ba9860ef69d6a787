/**
 * The classic echo state network benchmark (Jaeger and Haas, Science 2004):
 * the Mackey-Glass series (τ = 17, unit time steps, tanh(x − 1) as they
 * transform it), a one-step predictor trained by ridge regression on 3,000
 * steps (500 washed out), then run free: its own output is its next input.
 * The error is the NRMSE at step 84 of the free run, over 20 runs started
 * 100 steps apart (the reservoir teacher-forced in between), as they report it.
 *
 *   npm run build && npm run start -w @nn/example-echo-state
 *   UNITS=1000 npm run start -w @nn/example-echo-state
 */
import { mkdirSync } from 'node:fs';
import { mackeyGlass } from '@nn/data';
import { EchoStateNetwork } from '@nn/layers-recurrent';
import { manualSeed, tensor } from '@nn/tensor';
import { plotSeries } from '@nn/train';

const units = Number(process.env.UNITS ?? 500);
const trainSteps = 3000, washout = 500, horizon = 84, trials = 20;
const series = Array.from(mackeyGlass(trainSteps + trials * 100 + horizon + 1).dataSync() as Float64Array, (v) => Math.tanh(v - 1));
const mean = series.reduce((a, b) => a + b, 0) / series.length;
const sd = Math.sqrt(series.reduce((a, b) => a + (b - mean) ** 2, 0) / series.length);

manualSeed(1);
const started = performance.now();
const esn = new EchoStateNetwork(1, { reservoirSize: units, spectralRadius: 0.95, inputScaling: 1, ridge: 1e-8 });
const column = (from: number, to: number) => tensor(series.slice(from, to), [to - from, 1], 'float64');
const trainError = esn.fit(column(0, trainSteps), column(1, trainSteps + 1), { washout });

let squared = 0;
// For the picture: a longer free run from the end of training, to see where it parts from the series.
const plotted = 400;
const saved0 = esn.state.slice();
const long = Array.from(esn.generate(plotted, [series[trainSteps]!]).dataSync() as Float64Array);
esn.state = saved0;
for (let k = 0, at = trainSteps; k < trials; k++, at += 100) {
  const saved = esn.state.slice();
  const run = Array.from(esn.generate(horizon, [series[at]!]).dataSync() as Float64Array);
  squared += (run[horizon - 1]! - series[at + horizon]!) ** 2;
  esn.state = saved;
  esn.predict(column(at, at + 100)); // teacher-forced to the next start
}
const nrmse = Math.sqrt(squared / trials) / sd;
console.log(`echo state network, ${units} units (spectral radius ${esn.spectralRadius.toFixed(3)}), trained on ${trainSteps} steps in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`training NRMSE (one step, teacher forced): ${trainError.toExponential(2)}`);
console.log(`NRMSE at step ${horizon} of the free run, ${trials} runs: ${nrmse.toExponential(2)} = 10^${Math.log10(nrmse).toFixed(2)} (Jaeger and Haas 2004, 1,000 units: about 10^-4.2)`);

mkdirSync('out', { recursive: true });
const truth = series.slice(trainSteps + 1, trainSteps + 1 + plotted);
const error = long.map((v, i) => Math.abs(v - truth[i]!));
await plotSeries(
  [
    { name: 'Mackey-Glass, tanh(x − 1)', values: truth },
    { name: `ESN running free (${units} units)`, values: long },
  ],
  'out/prediction.html',
  { title: `Free-running prediction from step ${trainSteps}`, xLabel: 'steps ahead', yLabel: 'tanh(x − 1)', width: 720 },
);
await plotSeries([{ name: '|prediction − series|', values: error.map((e) => Math.max(e, 1e-8)) }], 'out/error.html', { title: 'Error of the free run (the NRMSE is read at step 84)', xLabel: 'steps ahead', yLabel: 'absolute error', logY: true, width: 720 });
console.log('wrote out/prediction.html and out/error.html');
