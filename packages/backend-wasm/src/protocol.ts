/**
 * How the main thread hands work to the pool: one 256-byte control block per
 * worker in the shared memory. The main thread writes the kernel's number
 * and arguments, bumps `seq` and wakes the worker; the worker runs the
 * kernel on its copy of the module (same memory) and sets `done` to `seq`.
 * @module
 */

/** The exports a worker may run, by number. */
export const THREAD_KERNELS = ['gemm', 'gemmFewRows', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'winogradConv', 'winogradFilterGradient', 'unary', 'binary', 'reduce', 'softmax', 'batchNormForward', 'batchNormBackward', 'maxPool2d', 'maxPoolValues', 'avgPool2d'] as const;

/** Name of a kernel threads can run. */
export type ThreadKernel = (typeof THREAD_KERNELS)[number];

/** Bytes per worker control block. */
export const CONTROL_BYTES = 256;
/** Int32 slots of a control block. */
export const SEQ = 0, DONE = 1, KERNEL = 2, NARGS = 3, FAILED = 4;
/** Byte offset of the float64 argument slots (up to 24). */
export const ARGS_OFFSET = 64;
/** The most arguments a kernel call may take. */
export const MAX_ARGS = (CONTROL_BYTES - ARGS_OFFSET) / 8;

/** Polls of a control word before a thread sleeps on it (about 50 µs). */
export const SPIN = 20_000;

/** What a worker receives at start. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of this worker's control block. */
  control: number;
}
