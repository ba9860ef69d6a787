// A/B: ResNet-18 batch-1 inference with batch norm folded (default) and unfolded (a no-op hook on every BatchNorm2d disables folding).
import { resnet18 } from '@nn/models';
import { BatchNorm2d } from '@nn/layers-conv';
import { noGrad } from '@nn/autograd';
import * as nn from '@nn/tensor';
import { setThreads, wasmPlugin } from '@nn/backend-wasm';
import { minTime } from './timing.mjs';
nn.use(wasmPlugin);
await nn.setBackend('wasm');
await setThreads(Number(process.argv[2] ?? 1));
nn.manualSeed(0);
const folded = resnet18().eval(), plain = resnet18().eval();
plain.loadStateDict(folded.stateDict());
for (const [, m] of plain.namedModules()) if (m instanceof BatchNorm2d) m.registerForwardHook(() => undefined);
const x = nn.keep(nn.randn([1, 3, 224, 224]));
const a = noGrad(() => folded.call(x)), b = noGrad(() => plain.call(x));
console.log('max |folded - plain| logit', a.sub(b).abs().max().item(), 'of max', b.abs().max().item());
for (let r = 0; r < 2; r++) for (const [label, m] of [['folded', folded], ['plain', plain]]) {
  console.log(label, minTime(() => noGrad(() => nn.tidy(() => m.call(x).dataSync())), { runs: 5, warmup: 1 }).toFixed(1), 'ms');
}
