/**
 * Host kernels: an op's `cpu` kernel run directly over views of the wasm
 * memory, its outputs copied in. No input is copied (the dispatch fallback
 * copies every input out and every output back), so this is how the wasm
 * backend runs ops that are not worth a SIMD kernel (gather, random
 * numbers, integer and float64 arithmetic, pooling). Which ops run this way
 * is listed by `wasmKernelKinds()`.
 * @module
 */
import { BackendError, getEngine, sizeOf, type KernelContext, type KernelDef, type TensorInfo, type TypedArray } from '@nn/tensor';
import type { WasmBackend, WasmData } from '../backend.js';

/** Runs `op`'s cpu kernel over the wasm inputs in place and returns wasm outputs. */
export function runOnHost(op: string, inputs: readonly TensorInfo[], attrs: Record<string, unknown>, ctx: KernelContext): WasmData[] {
  const be = ctx.backend as WasmBackend;
  const engine = getEngine();
  const cpu = engine.registry.kernel(op, 'cpu');
  if (cpu === undefined) throw new BackendError(`no kernel for op '${op}' on 'wasm' nor on 'cpu'`, op);
  const views = inputs.map((t) => {
    const d = t.data as WasmData;
    return { shape: t.shape, dtype: t.dtype, data: be.view(t.dtype, d.ptr, sizeOf(t.shape)) };
  });
  const outs = cpu.run(views, attrs, { backend: engine.instance('cpu'), outputs: ctx.outputs }) as TypedArray[];
  return outs.map((o, i) => {
    const k = views.findIndex((v) => v.data === o);
    return k >= 0 ? (inputs[k]!.data as WasmData) : be.write(o, ctx.outputs[i]!.dtype);
  });
}

/** A wasm kernel that runs `op`'s cpu kernel over the wasm memory. */
export function hostKernel(op: string): KernelDef {
  return { op, backend: 'wasm', run: (inputs, attrs, ctx) => runOnHost(op, inputs, attrs, ctx) };
}
