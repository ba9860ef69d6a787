/**
 * The allocator of tensor storage inside the WebAssembly memory. JavaScript
 * owns it (kernels never allocate), so it can be simple: sizes round up to
 * classes (four per power of two, at most 25% slack), freed blocks wait in a
 * free list per class, and new blocks come from a bump pointer that grows
 * the memory. Training loops allocate the same shapes every step, so after
 * the first step every request is a free-list hit.
 * @module
 */
import { BackendError, NNError } from '@nn/tensor';

/** The WebAssembly memory could not grow to hold an allocation. */
export class WasmOutOfMemoryError extends NNError {
}

const PAGE = 65536;
const ALIGN = 16;

/** The size class a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  if (bytes >= 2 ** 31) {
    const step = 2 ** Math.floor(Math.log2(bytes)) / 4;
    return Math.ceil(bytes / step) * step;
  }
  const step = 1 << (29 - Math.clz32(bytes)); // a quarter of the highest power of two in bytes
  return Math.ceil(bytes / step) * step;
}

/** Free-list allocator over a WebAssembly memory. Pointer 0 is never returned for a non-empty block. */
export class Heap {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Bytes in live blocks (by size class). */
  inUse = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
    private readonly maxBytes: number,
  ) {
    this.top = Math.ceil(Math.max(base, ALIGN) / ALIGN) * ALIGN;
  }

  /** Reserves a block of at least `bytes` bytes, 16-byte aligned. Zero bytes gives pointer 0. */
  alloc(bytes: number): number {
    if (bytes === 0) return 0;
    // A bad size (NaN from a kernel's arithmetic) would corrupt the allocator for every later tensor: refuse it here.
    if (!Number.isInteger(bytes) || bytes < 0) throw new BackendError(`wasm: cannot allocate ${bytes} bytes (a kernel computed a bad size)`);
    const cls = sizeClass(bytes);
    this.inUse += cls;
    const reuse = this.freeLists.get(cls)?.pop();
    if (reuse !== undefined) return reuse;
    const ptr = this.top;
    const end = ptr + cls;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        if (end > this.maxBytes) throw new RangeError('over the maximum');
        this.memory.grow(Math.max(pages, Math.min(Math.ceil(have / PAGE / 4), (this.maxBytes - have) / PAGE)));
      } catch {
        this.inUse -= cls;
        throw new WasmOutOfMemoryError(
          `wasm: out of memory allocating ${bytes} bytes: ${(this.inUse / 2 ** 20).toFixed(1)} MiB in live tensors, ` +
            `${(have / 2 ** 20).toFixed(1)} MiB reserved, limit ${(this.maxBytes / 2 ** 20).toFixed(0)} MiB; dispose tensors (tidy) or use smaller batches`,
        );
      }
    }
    this.top = end;
    return ptr;
  }

  /** Returns a block from {@link alloc} (same `bytes`). */
  free(ptr: number, bytes: number): void {
    if (bytes === 0) return;
    const cls = sizeClass(bytes);
    this.inUse -= cls;
    let list = this.freeLists.get(cls);
    if (list === undefined) this.freeLists.set(cls, (list = []));
    list.push(ptr);
  }

  /** Bytes of memory reserved from the system (the memory's size). */
  get reserved(): number {
    return this.memory.buffer.byteLength;
  }
}
