/**
 * Fused LSTM and GRU cell updates and their backward passes for float32 in
 * SIMD wasm (the ops come from @nn/layers-recurrent; these register for
 * them by name). float64 runs on the host.
 * @module
 */
import { type KernelDef, sizeOf, type TensorInfo } from '@nn/tensor';
import type { WasmBackend, WasmData } from '../backend.js';
import { runOnHost } from './host.js';

const ptr = (t: TensorInfo) => (t.data as WasmData).ptr;

/** A kernel over float32 inputs that writes `outputs` fresh wasm blocks; `call` gets input then output pointers and [B, H]. */
function fusedKernel(op: string, call: (be: WasmBackend, ptrs: number[], B: number, H: number) => void, hiddenOf: (inputs: readonly TensorInfo[]) => [number, number]): KernelDef {
  return {
    op,
    backend: 'wasm',
    run(inputs, attrs, ctx) {
      if (inputs[0]!.dtype !== 'float32') return runOnHost(op, inputs, attrs, ctx);
      const be = ctx.backend as WasmBackend;
      const outs = ctx.outputs.map((m) => be.alloc(m.dtype, sizeOf(m.shape)));
      const [B, H] = hiddenOf(inputs);
      if (B * H > 0) call(be, [...inputs.map(ptr), ...outs.map((o) => o.ptr)], B, H);
      return outs;
    },
  };
}

const stateShape = (index: number) => (inputs: readonly TensorInfo[]) => inputs[index]!.shape as [number, number];

/** Recurrent-cell kernels of the wasm backend. */
export const recurrentKernels: KernelDef[] = [
  fusedKernel('lstmCell', (be, [g, c, h, cn], B, H) => be.k.lstmCell(g!, c!, h!, cn!, B, H), stateShape(1)),
  fusedKernel('lstmCellBackward', (be, [g, c, dh, dc, dg, dcOut], B, H) => be.k.lstmCellBackward(g!, c!, dh!, dc!, dg!, dcOut!, B, H), stateShape(1)),
  fusedKernel('gruCell', (be, [x, hp, h, out], B, H) => be.k.gruCell(x!, hp!, h!, out!, B, H), stateShape(2)),
  fusedKernel('gruCellBackward', (be, [x, hp, h, d, dx, dhp, ds], B, H) => be.k.gruCellBackward(x!, hp!, h!, d!, dx!, dhp!, ds!, B, H), stateShape(2)),
];
