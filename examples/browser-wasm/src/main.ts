/**
 * Runs the same work on the cpu and wasm backends and shows both: a matmul,
 * a LeNet-5 forward pass and one SGD training step. The test reads
 * `window.nnResult` and compares the backends.
 */
import { getThreads, relaxedSimdSupported, wasmPlugin } from '@nn/backend-wasm';
import { crossEntropy } from '@nn/layers-core';
import { lenet5 } from '@nn/models';
import { SGD } from '@nn/optim';
import * as nn from '@nn/tensor';

nn.use(wasmPlugin);

/** Deterministic inputs, identical for both backends. */
const wave = (n: number, f: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * f));

async function runOn(backend: 'cpu' | 'wasm') {
  await nn.setBackend(backend);
  const t0 = performance.now();
  const product = nn.tidy(() => Array.from(nn.matmul(nn.tensor(wave(64 * 96, 0.37), [64, 96]), nn.tensor(wave(96 * 80, 0.11), [96, 80])).dataSync()));
  nn.manualSeed(7); // the same initial weights on both backends
  const net = lenet5();
  const x = nn.keep(nn.tensor(wave(4 * 784, 0.05), [4, 1, 28, 28]));
  const y = nn.keep(nn.tensor([3, 1, 4, 1], [4], 'int32'));
  const logits = nn.tidy(() => Array.from(net.call(x).dataSync()));
  const optimizer = new SGD(net.parameters(), { lr: 0.05 });
  const lossBefore = nn.tidy(() => {
    const loss = crossEntropy(net.call(x), y);
    loss.backward();
    return loss.item();
  });
  optimizer.step();
  const lossAfter = nn.tidy(() => crossEntropy(net.call(x), y).item());
  return { product, logits, lossBefore, lossAfter, ms: performance.now() - t0 };
}

async function main() {
  const cpu = await runOn('cpu');
  const wasm = await runOn('wasm');
  const result = { crossOriginIsolated: globalThis.crossOriginIsolated === true, threads: getThreads(), cores: navigator.hardwareConcurrency, relaxedSimd: relaxedSimdSupported(), cpu, wasm };
  (globalThis as unknown as { nnResult: unknown }).nnResult = result;
  document.querySelector('#status')!.textContent = `done: wasm on ${result.threads} thread(s), cross-origin isolated: ${result.crossOriginIsolated}`;
  document.querySelector('#result')!.textContent = JSON.stringify(
    { lossBefore: [cpu.lossBefore, wasm.lossBefore], lossAfter: [cpu.lossAfter, wasm.lossAfter], ms: [cpu.ms, wasm.ms] },
    null,
    2,
  );
}

main().catch((e: unknown) => {
  (globalThis as unknown as { nnResult: unknown }).nnResult = { error: String((e as Error)?.stack ?? e) };
  document.querySelector('#status')!.textContent = `failed: ${String(e)}`;
});
