/**
 * Where batch-1 inference of a model spends its time on wasm, by kernel:
 * every kernel call is timed (kernels are synchronous, threads included)
 * and summed by op and input shapes; run at 1 and 2 threads to see what
 * scales.
 *
 *   node bench/src/profile-inference.mjs resnet18|googlenet|googlenet-tv|fcn8s [threads]
 */
import { buildSegmentation } from '@nn/cli';
import { GoogLeNet, resnet18 } from '@nn/models';
import { noGrad } from '@nn/autograd';
import * as nn from '@nn/tensor';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';

const which = process.argv[2] ?? 'resnet18';
const threads = Number(process.argv[3] ?? 1);
nn.use(wasmPlugin);
await nn.setBackend('wasm');
await setThreads(threads);
nn.manualSeed(0);
const [model, shape] = await {
  resnet18: () => [resnet18(), [1, 3, 224, 224]],
  googlenet: () => [new GoogLeNet({ auxLogits: false }), [1, 3, 224, 224]],
  'googlenet-tv': () => [new GoogLeNet({ flavour: 'torchvision', auxLogits: false }), [1, 3, 224, 224]],
  // the 1/8-width net of `nn train fcn8s`, as bench/src/onnx.mjs runs it
  fcn8s: () => [buildSegmentation({ arch: 'fcn8s', data: 'mnist-seg', upsampling: 'stepwise', decoder: 'deconv', size: 64, classes: ['background', ...'0123456789'], mean: 0, std: 1 }), [1, 1, 64, 64]],
}[which]();
if (typeof model.then === 'function') throw new Error('unexpected');
model.eval();
const x = nn.keep(nn.randn(shape));
// As the bench times it: no autograd recording, so eval folds are cached.
const run = () => noGrad(() => nn.tidy(() => model.call(x).dataSync()));
run();
run();

const totals = new Map();
let on = false;
const registry = nn.getRegistry();
for (const name of registry.opNames()) {
  for (const backend of ['wasm', 'cpu']) {
    const k = registry.kernel(name, backend);
    if (k === undefined || k.__timed) continue;
    const inner = k.run;
    k.run = function (inputs, attrs, ctx) {
      if (!on) return inner.call(this, inputs, attrs, ctx);
      const t0 = performance.now();
      const out = inner.call(this, inputs, attrs, ctx);
      const key = `${name}${backend === 'cpu' ? ' (host)' : ''} ${inputs.map((i) => `[${i.shape}]`).join(' ')}${attrs.stride ? ` s${attrs.stride}` : ''}`;
      const e = totals.get(key) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls++;
      totals.set(key, e);
      return out;
    };
    k.__timed = true;
  }
}
const reps = 5;
let best = Infinity;
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  run();
  best = Math.min(best, performance.now() - t0);
}
on = true;
for (let i = 0; i < reps; i++) run();
on = false;
const rows = [...totals].map(([k, v]) => [k, v.ms / reps, v.calls / reps]).sort((a, b) => b[1] - a[1]);
const kernelMs = rows.reduce((s, r) => s + r[1], 0);
console.log(`${which}, threads ${threads}: best ${best.toFixed(1)} ms untimed; timed runs average ${kernelMs.toFixed(1)} ms in kernels`);
const byOp = new Map();
for (const [k, ms] of rows) { const op = k.split(' ')[0]; byOp.set(op, (byOp.get(op) ?? 0) + ms); }
console.log([...byOp].sort((a, b) => b[1] - a[1]).map(([o, ms]) => `${o} ${ms.toFixed(1)}`).join(', '));
for (const [k, ms, calls] of rows.slice(0, Number(process.env.ROWS ?? 25))) console.log(`${ms.toFixed(2).padStart(8)} ms ${String(calls).padStart(4)}x  ${k}`);
