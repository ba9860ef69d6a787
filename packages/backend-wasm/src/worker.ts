/**
 * The worker of the thread pool (worker_threads in Node, a module Web Worker
 * in browsers): instantiates the kernels over the shared memory, then waits
 * on its control block and runs what it is given, forever.
 * @module
 */
import { instantiate } from './module.js';
import { ARGS_OFFSET, DONE, FAILED, KERNEL, NARGS, SEQ, SPIN, THREAD_KERNELS, type WorkerInit } from './protocol.js';

function serve(init: WorkerInit, ready: () => void): void {
  const exports = instantiate(init.module, init.memory) as unknown as Record<string, (...args: number[]) => void>;
  const i32 = new Int32Array(init.memory.buffer, init.control, 16);
  const fns = THREAD_KERNELS.map((name) => exports[name]!);
  // Read the sequence number before saying ready: the first job may be
  // posted as soon as the main thread hears it.
  let seen = Atomics.load(i32, SEQ);
  ready();
  for (;;) {
    // Spin a little before sleeping: in a training loop the next kernel
    // usually comes within microseconds, and waking from Atomics.wait costs
    // tens of them.
    for (let spin = 0; spin < SPIN && Atomics.load(i32, SEQ) === seen; spin++);
    Atomics.wait(i32, SEQ, seen);
    const seq = Atomics.load(i32, SEQ);
    if (seq === seen) continue;
    seen = seq;
    // The memory may have grown since the last call: read through a fresh view.
    const args = new Float64Array(init.memory.buffer, init.control + ARGS_OFFSET, Atomics.load(i32, NARGS));
    try {
      fns[Atomics.load(i32, KERNEL)]!(...args);
      Atomics.store(i32, FAILED, 0);
    } catch {
      Atomics.store(i32, FAILED, 1);
    }
    Atomics.store(i32, DONE, seq);
    Atomics.notify(i32, DONE);
  }
}

declare const process: { versions?: { node?: string } } | undefined;

if (typeof process !== 'undefined' && process?.versions?.node !== undefined) {
  const { parentPort, workerData } = await import('node:worker_threads');
  serve(workerData as WorkerInit, () => parentPort!.postMessage('ready'));
} else {
  const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<WorkerInit>) => void) | null; postMessage(m: unknown): void };
  scope.onmessage = (e) => {
    scope.onmessage = null;
    serve(e.data, () => scope.postMessage('ready'));
  };
}
