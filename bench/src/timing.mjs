/**
 * Timing helpers: this machine is noisy, so every figure is the minimum over
 * several runs after a warm-up.
 */

/** Minimum wall time in ms of `fn` over `runs` runs, after `warmup` runs. */
export function minTime(fn, { runs = 7, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Prints rows as an aligned text table. */
export function printTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c]).length)));
  const line = (r) => r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** nn's backends as the benches compare them: [label, async setup], for cpu and wasm at 1 and 2 threads. */
export function nnBackends(nn, setThreads) {
  return [
    ['nn cpu', async () => nn.setBackend('cpu')],
    ['nn wasm 1 thread', async () => { await nn.setBackend('wasm'); await setThreads(1); }],
    ['nn wasm 2 threads', async () => { await nn.setBackend('wasm'); await setThreads(2); }],
  ];
}
