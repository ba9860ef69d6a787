/**
 * The vanishing-gradient lesson (Hochreiter and Schmidhuber 1997): on the
 * adding problem the target depends on two inputs far apart. An Elman RNN's
 * gradient through many tanh steps vanishes and it stays at the trivial
 * baseline (MSE ≈ 1/6, predicting the mean); an LSTM, whose cell state
 * carries the gradient, learns it at length 50; an IndRNN (Li et al. 2018),
 * whose units feed back only to themselves with bounded weights, learns it
 * at lengths of 500 and more.
 *
 *   npm run start -w @nn/example-adding-problem                       (LSTM and RNN, length 50)
 *   MODELS=indrnn,rnn LENGTH=500 STEPS=3000 npm run start -w @nn/example-adding-problem
 *
 * Writes out/curves.html (test MSE against training steps). BACKEND=cpu runs
 * on the reference backend (wasm by default).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addingProblem } from '@nn/data';
import { Linear, mseLoss } from '@nn/layers-core';
import { IndRNN, IndRNNCell, LSTM, RNN } from '@nn/layers-recurrent';
import { Adam, clipGradNorm, CosineAnnealingLR } from '@nn/optim';
import { wasmPlugin } from '@nn/backend-wasm';
import { dispose, manualSeed, randn, setBackend, type Tensor, tidy, use, zeros } from '@nn/tensor';
import { plotSeries, type Series } from '@nn/train';

const length = Number(process.env.LENGTH ?? 50);
const steps = Number(process.env.STEPS ?? 1000);
const models = (process.env.MODELS ?? 'lstm,rnn').split(',');
const every = Number(process.env.EVERY ?? 25);
// wasm by default: the second IndRNN layer's input projection is a real
// matmul ([T·N, 64] x [64, 64]), four times faster there than on cpu.
const backend = process.env.BACKEND ?? 'wasm';
if (backend === 'wasm') use(wasmPlugin);
await setBackend(backend);

/** A recurrent model and its training recipe. */
interface Recipe {
  name: string;
  layer: LSTM | RNN | IndRNN;
  lr: number;
  batch: number;
  /** Gradient-norm clipping threshold. */
  clip: number;
  /** Anneal the learning rate to zero over the run (cosine). */
  anneal?: boolean;
}

function recipe(kind: string): Recipe {
  manualSeed(1);
  switch (kind) {
    case 'lstm':
      return { name: 'LSTM', layer: new LSTM(2, 32), lr: 0.01, batch: 64, clip: 1 };
    case 'rnn':
      return { name: 'Elman RNN', layer: new RNN(2, 32), lr: 0.01, batch: 64, clip: 1 };
    case 'indrnn': {
      // Li et al.'s recipe: two ReLU layers of 128 (64 here), |u| ≤ 2^(1/T);
      // the last layer's u start in [2^(−1/T), 2^(1/T)], so its units
      // integrate over the whole sequence, the first's in [0, 2^(1/T)];
      // input weights start small (N(0, 0.001)), so the sums start small.
      // The learning rate is annealed to 0 (cosine) over the run.
      const bound = IndRNNCell.recurrentBound(length);
      const layer = new IndRNN(2, 64, { numLayers: 2, recurrentMaxAbs: bound, recurrentInit: [[0, bound], [1 / bound, bound]] });
      for (const cell of layer.cells) {
        cell.weightIh.assign(randn(cell.weightIh.shape).mul(0.001));
        cell.biasIh!.assign(zeros(cell.biasIh!.shape));
      }
      return { name: 'IndRNN', layer, lr: Number(process.env.LR ?? 1e-3), batch: 50, clip: 10, anneal: true };
    }
    default:
      throw new Error(`unknown model '${kind}': use lstm, rnn or indrnn`);
  }
}

const series: Series[] = [];
for (const kind of models) {
  const { name, layer, lr, batch, clip, anneal } = recipe(kind);
  const hidden = layer.hiddenSize, top = layer.numLayers - 1;
  const head = new Linear(hidden, 1);
  const params = [...layer.parameters(), ...head.parameters()];
  const opt = new Adam(params, { lr });
  const schedule = anneal ? new CosineAnnealingLR(opt, steps) : null;
  const predict = (x: Tensor) => head.call(layer.forwardWithState(x).h.index(top));
  const test = addingProblem(length, 500);
  const curve: number[] = [], xs: number[] = [];
  const start = performance.now();
  for (let step = 1; step <= steps; step++) {
    const { x, y } = addingProblem(length, batch);
    tidy(() => mseLoss(predict(x), y).backward());
    clipGradNorm(params, clip); // the chapter's aid against exploding gradients
    opt.step();
    opt.zeroGrad();
    schedule?.step();
    dispose([x, y]);
    if (step % every === 0) {
      curve.push(tidy(() => mseLoss(predict(test.x), test.y).item()));
      xs.push(step);
      if (step % (every * 10) === 0) console.log(`${name} step ${step}: test MSE ${curve.at(-1)!.toFixed(4)}`);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`${name.padEnd(10)} test MSE after ${steps} steps: ${curve.at(-1)!.toFixed(4)} (baseline ≈ 0.167; ${seconds.toFixed(0)}s)`);
  series.push({ name, values: curve, x: xs });
}
series.push({ name: 'baseline (predict the mean)', values: series[0]!.x!.map(() => 1 / 6), x: series[0]!.x });

const out = join(process.cwd(), 'out');
mkdirSync(out, { recursive: true });
await plotSeries(series, join(out, 'curves.html'), {
  title: `The adding problem, sequences of ${length}: test MSE during training`,
  xLabel: 'training step',
  yLabel: 'test MSE',
  logY: true,
});
console.log(`wrote ${join(out, 'curves.html')}`);
