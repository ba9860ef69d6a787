/**
 * The `cpu` backend: plain TypeScript over typed arrays, the reference for
 * correctness. Its data handle is the typed array itself.
 * @module
 */
import type { Backend, BackendDef } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { kernelsFor } from '../op-handle.js';

/** The pure-TypeScript backend. Synchronous; data lives in JS typed arrays. */
export class CpuBackend implements Backend<TypedArray> {
  readonly name = 'cpu';

  write(values: TypedArray): TypedArray {
    return values;
  }

  readSync(handle: TypedArray): TypedArray {
    return handle;
  }

  disposeData(): void {
    // Typed arrays are garbage collected; nothing to free by hand.
  }
}

/** Registration of the `cpu` backend (priority 1: any faster backend that initialises wins). */
export const cpuBackendDef: BackendDef = {
  name: 'cpu',
  priority: 1,
  create: () => new CpuBackend(),
};

/** Makes a cpu kernel for an op handle: its inputs' data are typed arrays, its attributes the op's. */
export const cpuKernel = kernelsFor<CpuBackend>('cpu');
