import * as nn from '@nn/tensor';
import { noGrad } from '@nn/autograd';
import { lenet5 } from '@nn/models';
import { wasmPlugin, setThreads } from '@nn/backend-wasm';
nn.use(wasmPlugin);
const rand = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
for (const be of ['cpu', 'wasm']) {
  await nn.setBackend(be);
  if (be === 'wasm') await setThreads(1);
  nn.manualSeed(1);
  const net = lenet5();
  const x = nn.keep(nn.tensor(rand(784), [1, 1, 28, 28]));
  const one = nn.keep(nn.tensor([1]));
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    for (let i = 0; i < 1000; i++) noGrad(() => nn.tidy(() => net.forward(x).dataSync()));
    const inf = (performance.now() - t);
    t = performance.now();
    for (let i = 0; i < 10000; i++) nn.tidy(() => one.add(one));
    const add = (performance.now() - t) / 10;
    console.log(be, 'lenet us', inf.toFixed(0), 'add us', add.toFixed(2));
  }
}
process.exit(0);
