/**
 * Where a ResNet-20 training step (batch 64, 28x28x1) spends its time on
 * wasm: every kernel call is timed (kernels are synchronous, threads
 * included) and summed by op and input shapes.
 *
 *   node bench/src/profile-resnet.mjs [threads]
 */
import { crossEntropy } from '@nn/layers-core';
import { cifarResNet } from '@nn/models';
import { SGD } from '@nn/optim';
import * as nn from '@nn/tensor';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';

const threads = Number(process.argv[2] ?? 1);
nn.use(wasmPlugin);
await nn.setBackend('wasm');
await setThreads(threads);
nn.manualSeed(0);
const model = cifarResNet(20, { inChannels: 1 });
const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const x = nn.keep(nn.randn([64, 1, 28, 28])), y = nn.keep(nn.randint(0, 10, [64]));
const step = () => {
  nn.tidy(() => crossEntropy(model.call(x), y).backward());
  opt.step();
  opt.zeroGrad();
};
step();

const totals = new Map();
let on = false;
const registry = nn.getRegistry();
for (const name of registry.opNames()) {
  for (const backend of ['wasm', 'cpu']) {
    const k = registry.kernel(name, backend);
    if (k === undefined || k.__timed) continue;
    const run = k.run;
    k.run = function (inputs, attrs, ctx) {
      if (!on) return run.call(this, inputs, attrs, ctx);
      const t0 = performance.now();
      const out = run.call(this, inputs, attrs, ctx);
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
const steps = 3;
on = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const wall = (performance.now() - t0) / steps;
on = false;
const rows = [...totals].map(([k, v]) => [k, v.ms / steps, v.calls / steps]).sort((a, b) => b[1] - a[1]);
const kernelMs = rows.reduce((s, r) => s + r[1], 0);
console.log(`threads ${threads}: step ${wall.toFixed(1)} ms, in kernels ${kernelMs.toFixed(1)} ms (${(64000 / wall).toFixed(0)} samples/s)`);
const byOp = new Map();
for (const [k, ms] of rows) { const op = k.split(' ')[0]; byOp.set(op, (byOp.get(op) ?? 0) + ms); }
console.log([...byOp].sort((a, b) => b[1] - a[1]).map(([o, ms]) => `${o} ${ms.toFixed(1)}`).join(', '));
for (const [k, ms, calls] of rows.slice(0, 40)) console.log(`${ms.toFixed(2).padStart(8)} ms ${String(calls).padStart(4)}x  ${k}`);
