/**
 * The backend contract: data movement. Kernels are registered separately.
 * @module
 */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** A tensor's shape and dtype, without its data: what shape inference sees. */
export interface TensorMeta {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** What a kernel sees of an input: its metadata and its backend's data handle (`D`: the backend's data type). */
export interface TensorInfo<D = unknown> extends TensorMeta {
  readonly data: D;
}

/**
 * A backend owns tensor storage. It moves data in and out; the ops it runs
 * are kernels registered for its name. A third-party backend implements this
 * plus whatever kernels it has, and dispatch falls back to `cpu` for the rest.
 */
export interface Backend<D = unknown> {
  /** The name kernels are registered under. */
  readonly name: string;
  /** Takes ownership of `values` (or copies them) and returns a handle to the stored data. */
  write(values: TypedArray, dtype: DType, shape: Shape): D;
  /** Reads stored data synchronously: the stored array itself or a view of it, valid until the next op. The result must not be mutated (callers copy it). */
  readSync(handle: D, dtype: DType, size: number): TypedArray;
  /**
   * Optional: false when `readSync` cannot honestly return this handle's data
   * (a GPU backend's computed tensors, read with `read`). Absent: always true.
   */
  canReadSync?(handle: D): boolean;
  /** Reads stored data; backends that can only read asynchronously implement this alone. */
  read?(handle: D, dtype: DType, size: number): Promise<TypedArray>;
  /**
   * Optional: stores `size` elements all equal to `value` without a host
   * array to copy from (`zeros`, `ones`, `full` use it), so creating a large
   * constant tensor costs one pass over the backend's memory.
   */
  fill?(dtype: DType, size: number, value: number): D;
  /**
   * Optional: stores `size` elements that `writer` writes into an array of
   * the backend's own memory (`tensorFrom` uses it), so data computed on the
   * host (a decoded file, say) is never held twice.
   */
  writeWith?(dtype: DType, size: number, writer: (values: TypedArray) => void): D;
  /** Releases stored data. */
  disposeData(handle: D): void;
  /** Resolves when asynchronous set-up (worker threads, say) is finished; the backend works before that. */
  readonly ready?: Promise<void>;
}

/** The data type of a backend's handles (`TypedArray` for `cpu`). */
export type DataOf<B extends Backend<any>> = B extends Backend<infer D> ? D : unknown;

/** How a backend is registered: a factory and a priority (the highest that initialises wins by default). */
export interface BackendDef {
  readonly name: string;
  /** Higher wins when no backend was chosen with `setBackend`. `cpu` has priority 1. */
  readonly priority: number;
  /** Creates the backend; may throw if the platform lacks what it needs. */
  create(): Backend<any>;
  /**
   * True when the backend's `readSync` returns a view of the backend's own memory that
   * the host can read (wasm): dispatch then runs an op this backend has no
   * kernel for (or none for the inputs' dtypes) with its `cpu` kernel over
   * those views, copying only the outputs in, instead of moving every input
   * to `cpu` and back.
   */
  readonly hostAddressable?: boolean;
}
