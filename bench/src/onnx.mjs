/**
 * Batch-1 inference of one exported ONNX file per model, run by nn
 * (`importOnnx`, on wasm at 1 and 2 threads), by onnxruntime-web (its wasm
 * backend, in Node) and by onnxruntime-node (native CPU): LeNet-5 at
 * 28x28, ResNet-18 and GoogLeNet (torchvision flavour) at 224x224, FCN-8s
 * at 64x64 (the 1/8-width net of `nn train fcn8s`). Best of several runs
 * after a warm-up; every run includes reading the output.
 *
 * onnxruntime-web initialises its wasm module once per process with a
 * fixed thread count, so each of its thread counts runs in a child process
 * of this script (on the same file); nn and onnxruntime-node run here.
 *
 *   npm run bench:onnx -w @nn/bench [-- --quick]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 10;

/** onnxruntime (node or web) on one file: best ms of `runs` batch-1 runs. */
async function ortTime(ort, file, shape, options) {
  const session = await ort.InferenceSession.create(readFileSync(file), options);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => Math.sin(i)), shape);
  const feed = { [session.inputNames[0]]: x };
  for (let i = 0; i < 3; i++) await session.run(feed);
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out = await session.run(feed);
    void out[session.outputNames[0]].data[0];
    best = Math.min(best, performance.now() - t0);
  }
  await session.release();
  return best;
}

if (process.argv[2] === '--ort-web') {
  // Child: onnxruntime-web at one thread count, on each file given.
  const ort = (await import('onnxruntime-web')).default;
  const threads = Number(process.argv[3]);
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  const jobs = JSON.parse(process.argv[4]);
  const times = [];
  for (const { file, shape } of jobs) times.push(await ortTime(ort, file, shape, { executionProviders: ['wasm'] }));
  console.log(JSON.stringify(times));
  process.exit(0);
}

const nn = await import('@nn/tensor');
const { noGrad } = await import('@nn/autograd');
const { setThreads, wasmPlugin } = await import('@nn/backend-wasm');
const { buildSegmentation } = await import('@nn/cli');
const { GoogLeNet, lenet5, resnet18 } = await import('@nn/models');
const { exportOnnx, importOnnx } = await import('@nn/onnx');
const ortNode = (await import('onnxruntime-node')).default;
const { printTable } = await import('./timing.mjs');

const segmentationClasses = ['background', ...'0123456789'];
const MODELS = [
  ['LeNet-5', () => lenet5(), [1, 1, 28, 28]],
  ['ResNet-18', () => resnet18(), [1, 3, 224, 224]],
  ['GoogLeNet (torchvision)', () => new GoogLeNet({ flavour: 'torchvision', auxLogits: false }), [1, 3, 224, 224]],
  ['FCN-8s 64x64 (1/8 width)', () => buildSegmentation({ arch: 'fcn8s', data: 'mnist-seg', upsampling: 'stepwise', decoder: 'deconv', size: 64, classes: segmentationClasses, mean: 0, std: 1 }), [1, 1, 64, 64]],
];

const dir = mkdtempSync(join(tmpdir(), 'nn-onnx-bench-'));
const jobs = MODELS.map(([name, make, shape]) => {
  nn.manualSeed(0);
  const file = join(dir, `${name.split(' ')[0]}.onnx`);
  writeFileSync(file, exportOnnx(make(), nn.randn([2, ...shape.slice(1)])));
  return { name, file, shape };
});

nn.use(wasmPlugin);
await nn.setBackend('wasm');
const nnTimes = {};
for (const threads of [1, 2]) {
  await setThreads(threads);
  for (const { name, file, shape } of jobs) {
    const model = importOnnx(readFileSync(file));
    const x = nn.keep(nn.randn(shape));
    const once = () => noGrad(() => nn.tidy(() => model.call(x).dataSync()));
    for (let i = 0; i < 3; i++) once();
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      once();
      best = Math.min(best, performance.now() - t0);
    }
    (nnTimes[name] ??= [])[threads - 1] = best;
    x.dispose();
    model.dispose();
  }
}

const webTimes = [1, 2].map((threads) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--ort-web', String(threads), JSON.stringify(jobs.map(({ file, shape }) => ({ file, shape })))], { encoding: 'utf8' }).trim().split('\n').at(-1)));
const nodeTimes = [];
for (const threads of [1, 2]) {
  const times = [];
  for (const { file, shape } of jobs) times.push(await ortTime(ortNode, file, shape, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' }));
  nodeTimes.push(times);
}

const rows = jobs.map(({ name }, i) => {
  const [n1, n2] = nnTimes[name];
  const [w1, w2] = [webTimes[0][i], webTimes[1][i]];
  const [o1, o2] = [nodeTimes[0][i], nodeTimes[1][i]];
  const f = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  return [name, f(n1), f(n2), f(w1), f(w2), f(o1), f(o2), `${(w1 / n1).toFixed(2)}x / ${(w2 / n2).toFixed(2)}x`];
});
console.log(`Batch-1 inference of the same exported ONNX file, ms (best of ${runs}); node ${process.version}`);
printTable(['model', 'nn wasm 1T', 'nn wasm 2T', 'ort-web 1T', 'ort-web 2T', 'ort-node 1T', 'ort-node 2T', 'nn vs ort-web (1T / 2T)'], rows);
process.exit(0);
