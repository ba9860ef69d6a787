/**
 * The thread pool: workers over the shared memory, each with a control
 * block (see protocol.ts). `run` gives every thread (the calling one is
 * thread 0) its own argument list for one kernel and returns when all are
 * done. Kernels split work by disjoint output ranges, so results do not
 * depend on scheduling.
 * @module
 */
import { BackendError } from '@nn/tensor';
import type { KernelExports } from './module.js';
import { ARGS_OFFSET, DONE, FAILED, KERNEL, MAX_ARGS, NARGS, SEQ, SPIN, THREAD_KERNELS, type ThreadKernel, type WorkerInit } from './protocol.js';

interface WorkerHandle {
  terminate(): unknown;
}

declare const process: { versions?: { node?: string } } | undefined;

/** Where the compiled worker lives: next to this file in dist/, or in dist/ when this file runs from src/ (tests). */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? '../dist/worker.js' : './worker.js', import.meta.url);
}

async function spawn(init: WorkerInit): Promise<WorkerHandle> {
  if (typeof process !== 'undefined' && process?.versions?.node !== undefined) {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(workerUrl(), { workerData: init });
    w.unref();
    await new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    });
    return w;
  }
  const w = new Worker(workerUrl(), { type: 'module' });
  await new Promise<void>((resolve, reject) => {
    w.onmessage = () => resolve();
    w.onerror = (e) => reject(new BackendError(`wasm: a worker failed to start: ${e.message}`));
    w.postMessage(init);
  });
  return w;
}

/** How long the calling thread waits on a worker before reporting it stuck. */
const STUCK_MS = 60_000;

/**
 * Blocks until `i32[index]` differs from `value`: a short spin, then
 * Atomics.wait where allowed, else (a browser's main thread) more spinning.
 * Throws after STUCK_MS rather than hang forever.
 */
function waitWhileEquals(i32: Int32Array, index: number, value: number): void {
  for (let spin = 0; spin < SPIN; spin++) if (Atomics.load(i32, index) !== value) return;
  const deadline = Date.now() + STUCK_MS;
  let canBlock = true;
  while (Atomics.load(i32, index) === value) {
    if (Date.now() > deadline) throw new BackendError(`wasm: a worker thread did not answer within ${STUCK_MS / 1000} s`);
    if (canBlock) {
      try {
        Atomics.wait(i32, index, value, 1000);
      } catch {
        canBlock = false; // a page's main thread may not block: spin instead
      }
    }
  }
}

/** Workers sharing one memory, plus the calling thread. */
export class ThreadPool {
  private workers: WorkerHandle[] = [];
  private readonly seqs: number[] = [];
  private readonly kernelIndex = new Map<string, number>(THREAD_KERNELS.map((k, i) => [k, i]));

  private constructor(
    private readonly exports: KernelExports,
    private readonly controls: number[],
  ) {}

  /** Starts `count` workers over `memory`; `controls` are their control blocks (CONTROL_BYTES each, zeroed). */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, exports: KernelExports, controls: number[]): Promise<ThreadPool> {
    const pool = new ThreadPool(exports, controls);
    pool.workers = await Promise.all(controls.map((control) => spawn({ module, memory, control })));
    pool.seqs.push(...controls.map(() => 0));
    return pool;
  }

  /** Threads, the calling one included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs `kernel` once per argument list: the first on this thread, the
   * others on workers, in parallel. Fewer lists than threads is fine.
   */
  run(kernel: ThreadKernel, argLists: readonly (readonly number[])[]): void {
    const id = this.kernelIndex.get(kernel)!;
    const started: number[] = [];
    for (let t = 1; t < argLists.length; t++) {
      const args = argLists[t]!;
      if (args.length > MAX_ARGS) throw new BackendError(`wasm: ${kernel} takes ${args.length} arguments, the pool passes at most ${MAX_ARGS}`);
      const base = this.controls[t - 1]!;
      const i32 = new Int32Array(this.exports.memory.buffer, base, 16);
      new Float64Array(this.exports.memory.buffer, base + ARGS_OFFSET, args.length).set(args);
      Atomics.store(i32, KERNEL, id);
      Atomics.store(i32, NARGS, args.length);
      const seq = (this.seqs[t - 1] = (this.seqs[t - 1]! + 1) | 0);
      Atomics.store(i32, SEQ, seq);
      Atomics.notify(i32, SEQ);
      started.push(t);
    }
    let failure: unknown;
    try {
      (this.exports[kernel] as (...a: number[]) => void)(...argLists[0]!);
    } catch (e) {
      failure = e;
    }
    for (const t of started) {
      const i32 = new Int32Array(this.exports.memory.buffer, this.controls[t - 1]!, 16);
      const seq = this.seqs[t - 1]!;
      let done = Atomics.load(i32, DONE);
      while (done !== seq) {
        waitWhileEquals(i32, DONE, done);
        done = Atomics.load(i32, DONE);
      }
      if (Atomics.load(i32, FAILED) !== 0) failure ??= new BackendError(`wasm: kernel ${kernel} failed on worker ${t}`);
    }
    if (failure !== undefined) throw failure;
  }

  /** Stops the workers. */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}

