/**
 * The `wasm` backend: tensor storage in one WebAssembly memory (shared
 * between threads where the platform allows), kernels compiled from
 * assembly/ with SIMD, and a worker pool for the big ones.
 * @module
 */
import { type Backend, BackendError, bytesPerElement, type DType, type TypedArray } from '@nn/tensor';
import { Heap } from './heap.js';
import { instantiate, kernelModule, type KernelExports, MAX_PAGES, sharedMemorySupported } from './module.js';
import { CONTROL_BYTES } from './protocol.js';
import { ThreadPool } from './threads.js';

/** A wasm tensor's storage: a block of the memory. */
export interface WasmData {
  /** Byte offset in the memory (0 for empty tensors). */
  readonly ptr: number;
  /** Bytes in use. */
  readonly bytes: number;
}

/** Options of the wasm backend. */
export interface WasmBackendOptions {
  /** Threads, the calling one included (default: the number of cores). Forced to 1 without SharedArrayBuffer. */
  threads?: number;
  /** The memory's ceiling in bytes (default and maximum 4 GiB). */
  maxMemoryBytes?: number;
  /** Use a shared memory (needed for threads); default: wherever SharedArrayBuffer works. `false` forces one thread on a plain memory. */
  shared?: boolean;
  /**
   * Run 3x3 stride-1 convolutions with 16 or more channels in and out as
   * Winograd F(2x2, 3x3) (default true): 2.25 times fewer multiplies, results
   * equal to im2col's up to float rounding. `false` keeps im2col.
   */
  winograd?: boolean;
}

const ARENA_BYTES = 4096;

declare const process: { versions?: { node?: string } } | undefined;

async function coreCount(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  if (typeof process !== 'undefined' && process?.versions?.node !== undefined) {
    const os = await import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return 1;
}

/** The WebAssembly backend. Kernels reach its memory through {@link WasmBackend.view}. */
export class WasmBackend implements Backend<WasmData> {
  readonly name = 'wasm';
  /** The kernels' exports. */
  readonly k: KernelExports;
  /** True when the memory is shared (threads are possible). */
  readonly shared: boolean;
  /** Whether 3x3 convolutions may run as Winograd F(2x2, 3x3) (see {@link WasmBackendOptions.winograd}). */
  readonly winograd: boolean;
  /** Resolves when the requested threads are running. */
  ready: Promise<void>;
  private readonly heap: Heap;
  private readonly module: WebAssembly.Module;
  private pool: ThreadPool | undefined;
  private readonly scratch: number[] = [];
  /** Data computed once from a tensor's storage (Winograd-transformed filters), freed with it. */
  private readonly derived = new Map<WasmData, Map<string, { ptr: number; bytes: number }>>();
  private readonly arena: number;
  private buffer: ArrayBufferLike | undefined;
  private u8!: Uint8Array;
  private i32!: Int32Array;

  constructor(options: WasmBackendOptions = {}) {
    this.shared = options.shared !== false && sharedMemorySupported();
    this.winograd = options.winograd !== false;
    const { memory, maxBytes } = createMemory(Math.min(options.maxMemoryBytes ?? MAX_PAGES * 65536, MAX_PAGES * 65536), this.shared);
    this.module = kernelModule(this.shared);
    this.k = instantiate(this.module, memory);
    this.heap = new Heap(memory, this.k.heapBase(), maxBytes);
    this.arena = this.heap.alloc(ARENA_BYTES);
    this.ready = options.threads === 1 || !this.shared ? Promise.resolve() : this.setThreads(options.threads);
    // A failed start leaves the backend single-threaded; setThreads reports it to whoever awaits it.
    this.ready.catch(() => undefined);
  }

  // ------------------------------------------------------------------ storage

  /** Reserves storage for `size` elements of `dtype`. */
  alloc(dtype: DType, size: number): WasmData {
    const bytes = size * bytesPerElement(dtype);
    return { ptr: this.heap.alloc(bytes), bytes };
  }

  write(values: TypedArray, dtype: DType): WasmData {
    const data = this.alloc(dtype, values.length);
    this.bytes().set(new Uint8Array(values.buffer, values.byteOffset, data.bytes), data.ptr);
    return data;
  }

  fill(dtype: DType, size: number, value: number): WasmData {
    const data = this.alloc(dtype, size);
    // A reused block holds old values; fill it in place (bool as 0/1 bytes).
    if (size > 0) this.view(dtype, data.ptr, size).fill(dtype === 'bool' ? Number(value !== 0) : value);
    return data;
  }

  writeWith(dtype: DType, size: number, writer: (values: TypedArray) => void): WasmData {
    const data = this.fill(dtype, size, 0);
    try {
      writer(this.view(dtype, data.ptr, size));
    } catch (e) {
      this.disposeData(data);
      throw e;
    }
    return data;
  }

  readSync(handle: WasmData, dtype: DType, size: number): TypedArray {
    const { ptr } = handle;
    // a view, which callers copy before the next op can grow the memory
    return this.view(dtype, ptr, size);
  }

  disposeData(handle: WasmData): void {
    const { ptr, bytes } = handle;
    this.heap.free(ptr, bytes);
    const derived = this.derived.get(handle);
    if (derived !== undefined) {
      for (const d of derived.values()) this.heap.free(d.ptr, d.bytes);
      this.derived.delete(handle);
    }
  }

  /**
   * `bytes` computed from `handle`'s data by `compute` (into the pointer it
   * gets), once: later calls with the same key return the same memory, until
   * the handle is disposed. Storage is never written after it is made
   * (`assign` swaps storage), so the result stays valid while it lives: a
   * layer's weights in inference are transformed on the first call only.
   */
  derivedData(handle: WasmData, key: string, bytes: number, compute: (ptr: number) => void): number {
    let byKey = this.derived.get(handle);
    const known = byKey?.get(key);
    if (known !== undefined) return known.ptr;
    const ptr = this.heap.alloc(bytes);
    compute(ptr);
    if (byKey === undefined) this.derived.set(handle, (byKey = new Map()));
    byKey.set(key, { ptr, bytes });
    return ptr;
  }

  /** A typed-array view of `size` elements at `ptr` (valid until the memory grows). */
  view(dtype: DType, ptr: number, size: number): TypedArray {
    const buf = this.k.memory.buffer;
    switch (dtype) {
      case 'float32': return new Float32Array(buf, ptr, size);
      case 'float64': return new Float64Array(buf, ptr, size);
      case 'int32': return new Int32Array(buf, ptr, size);
      default: return new Uint8Array(buf, ptr, size);
    }
  }

  /** Writes small i32 arrays (shapes, strides, geometry) into the argument arena and returns their pointers. */
  args(...arrays: readonly (readonly number[])[]): number[] {
    this.refresh();
    const ptrs: number[] = [];
    let at = this.arena;
    for (const a of arrays) {
      if (at + a.length * 4 > this.arena + ARENA_BYTES) throw new BackendError('wasm: kernel arguments exceed the argument arena');
      this.i32.set(a, at >> 2);
      ptrs.push(at);
      at += Math.ceil(a.length / 4) * 16;
    }
    return ptrs;
  }

  /** Temporary storage for a kernel; give it back with {@link freeTemp}. */
  temp(bytes: number): number {
    return this.heap.alloc(bytes);
  }

  /** Returns storage from {@link temp}. */
  freeTemp(ptr: number, bytes: number): void {
    this.heap.free(ptr, bytes);
  }

  private bytes(): Uint8Array {
    this.refresh();
    return this.u8;
  }

  private refresh(): void {
    const buf = this.k.memory.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf;
      this.u8 = new Uint8Array(buf);
      this.i32 = new Int32Array(buf);
    }
  }

  /** Bytes in live storage and bytes the memory holds. */
  memoryStats(): { inUse: number; reserved: number } {
    return { inUse: this.heap.inUse, reserved: this.heap.reserved };
  }

  // ------------------------------------------------------------------ threads

  /** Threads kernels run on (the calling one included). */
  get threads(): number {
    return this.pool?.size ?? 1;
  }

  /**
   * Sets the number of threads (default: the number of cores). Without
   * SharedArrayBuffer (a page that is not cross-origin isolated) it stays 1.
   */
  async setThreads(n?: number): Promise<void> {
    const want = Math.max(1, Math.floor(n ?? (await coreCount())));
    if (!this.shared && want > 1) {
      if (n !== undefined) console.warn('nn: wasm threads need SharedArrayBuffer (cross-origin isolation in browsers); running on 1 thread');
      return;
    }
    if (want === this.threads) return;
    const old = this.pool;
    this.pool = undefined;
    await old?.terminate();
    if (want === 1) return;
    const controls = Array.from({ length: want - 1 }, () => {
      const p = this.heap.alloc(CONTROL_BYTES);
      new Uint8Array(this.k.memory.buffer, p, CONTROL_BYTES).fill(0);
      return p;
    });
    this.pool = await ThreadPool.start(this.module, this.k.memory, this.k, controls);
  }

  /** The GEMM scratch block private to thread `t`. */
  gemmScratch(t: number): number {
    while (this.scratch.length <= t) this.scratch.push(this.heap.alloc(this.k.GEMM_SCRATCH_BYTES.value as number));
    return this.scratch[t]!;
  }

  /**
   * Runs a kernel split over up to `threads` parts: `argsOf(t, parts)` gives
   * part t's arguments. One part runs inline, with no pool round trip.
   */
  parallel(kernel: Parameters<ThreadPool['run']>[0], parts: number, argsOf: (t: number, parts: number) => number[]): void {
    const n = Math.max(1, Math.min(parts, this.threads));
    if (n === 1 || this.pool === undefined) {
      (this.k[kernel] as (...a: number[]) => void)(...argsOf(0, 1));
      return;
    }
    this.pool.run(kernel, Array.from({ length: n }, (_, t) => argsOf(t, n)));
  }
}

/**
 * A memory of 16 MiB that may grow to `maxBytes`. A shared memory reserves
 * address space for its maximum up front, which a 32-bit or constrained
 * browser may refuse: the ceiling is then halved until it is granted.
 */
function createMemory(maxBytes: number, shared: boolean): { memory: WebAssembly.Memory; maxBytes: number } {
  let pages = Math.max(256, Math.ceil(maxBytes / 65536));
  for (;;) {
    try {
      return { memory: new WebAssembly.Memory({ initial: 256, maximum: pages, shared }), maxBytes: pages * 65536 };
    } catch (e) {
      if (pages <= 1024) throw new BackendError(`wasm: could not reserve a ${shared ? 'shared ' : ''}memory of ${pages * 64} KiB: ${(e as Error).message}`);
      pages = Math.floor(pages / 2);
    }
  }
}

/** Splits [0, total) into `parts` ranges aligned to `align`; part t's range. */
export function splitRange(total: number, parts: number, t: number, align = 1): [number, number] {
  const units = Math.ceil(total / align);
  const lo = Math.floor((units * t) / parts) * align;
  const hi = Math.min(total, Math.floor((units * (t + 1)) / parts) * align);
  return [Math.min(lo, total), hi];
}
