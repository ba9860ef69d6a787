/**
 * Times every kernel call of the registry (wasm kernels, and cpu kernels run
 * on the host), summed by op and input shapes. Kernels are synchronous,
 * their threads included, so the sums are where a step's time goes.
 *
 *   const timer = timeKernels();
 *   timer.measure(() => step(), 3);
 *   timer.report(40);
 */
import * as nn from '@nn/tensor';

export function timeKernels() {
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
  let reps = 1;
  return {
    /** Runs `fn` `times` times with the timers on; returns the wall time per run, ms. */
    measure(fn, times) {
      reps = times;
      on = true;
      const t0 = performance.now();
      for (let i = 0; i < times; i++) fn();
      on = false;
      return (performance.now() - t0) / times;
    },
    /** Total ms in kernels per run. */
    kernelMs() {
      let s = 0;
      for (const v of totals.values()) s += v.ms / reps;
      return s;
    },
    /** Prints the time per op, then the `rows` costliest op-and-shape rows. */
    report(rows) {
      const sorted = [...totals].map(([k, v]) => [k, v.ms / reps, v.calls / reps]).sort((a, b) => b[1] - a[1]);
      const byOp = new Map();
      for (const [k, ms] of sorted) { const op = k.split(' ')[0]; byOp.set(op, (byOp.get(op) ?? 0) + ms); }
      console.log([...byOp].sort((a, b) => b[1] - a[1]).map(([o, ms]) => `${o} ${ms.toFixed(1)}`).join(', '));
      for (const [k, ms, calls] of sorted.slice(0, rows)) console.log(`${ms.toFixed(2).padStart(8)} ms ${String(calls).padStart(4)}x  ${k}`);
    },
  };
}
