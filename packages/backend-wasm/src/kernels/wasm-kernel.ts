/**
 * How this backend declares its kernels: against the op handles of
 * @nn/tensor, with `ctx.backend` typed as the {@link WasmBackend} and
 * inputs' data as {@link WasmData} (no casts), and the dtypes the SIMD
 * code handles declared, so that dispatch runs the others with the cpu
 * kernel over wasm memory.
 * @module
 */
import { kernelsFor } from '@nn/tensor/kernel';
import type { WasmBackend } from '../backend.js';

/** A wasm kernel for an op handle. */
export const wasmKernel = kernelsFor<WasmBackend>('wasm');

/** The SIMD kernels take float32; other dtypes are routed to the cpu kernel over wasm memory. */
export const FLOAT32 = ['float32'] as const;
