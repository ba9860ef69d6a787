/**
 * Fused LSTM, GRU and IndRNN cell updates and their backward passes for float32 in
 * SIMD wasm. float64 runs the cpu kernel over wasm memory.
 * @module
 */
import { type IndRnnAttrs, type KernelDef, type OpDef, recurrentCellOps, sizeOf, type TensorInfo, type TensorMeta } from '@nn/tensor';
import type { WasmBackend, WasmData } from '../backend.js';
import { FLOAT32, wasmKernel } from './wasm-kernel.js';

const ptr = (t: TensorInfo<WasmData>) => t.data.ptr;

/** A kernel over float32 inputs that writes `outputs` fresh wasm blocks; `call` gets input then output pointers and [B, H]. */
function fusedKernel(op: keyof typeof recurrentCellOps, call: (be: WasmBackend, ptrs: number[], B: number, H: number, attrs: IndRnnAttrs) => void, hiddenOf: (inputs: readonly TensorMeta[]) => [number, number]): KernelDef {
  return wasmKernel(recurrentCellOps[op] as OpDef<IndRnnAttrs>, (inputs, attrs, ctx) => {
    const be = ctx.backend;
    const outs = ctx.outputs.map((m) => be.alloc(m.dtype, sizeOf(m.shape)));
    const [B, H] = hiddenOf(inputs);
    if (B * H > 0) call(be, [...inputs.map(ptr), ...outs.map((o) => o.ptr)], B, H, attrs);
    return outs;
  }, { dtypes: FLOAT32 });
}

const stateShape = (index: number) => (inputs: readonly TensorMeta[]) => inputs[index]!.shape as [number, number];

/** Recurrent-cell kernels of the wasm backend. */
export const recurrentKernels: KernelDef[] = [
  fusedKernel('lstmCell', (be, [g, c, h, cn], B, H) => be.k.lstmCell(g!, c!, h!, cn!, B, H), stateShape(1)),
  fusedKernel('lstmCellBackward', (be, [g, c, dh, dc, dg, dcOut], B, H) => be.k.lstmCellBackward(g!, c!, dh!, dc!, dg!, dcOut!, B, H), stateShape(1)),
  fusedKernel('gruCell', (be, [x, hp, h, out], B, H) => be.k.gruCell(x!, hp!, h!, out!, B, H), stateShape(2)),
  fusedKernel('gruCellBackward', (be, [x, hp, h, d, dx, dhp, ds], B, H) => be.k.gruCellBackward(x!, hp!, h!, d!, dx!, dhp!, ds!, B, H), stateShape(2)),
  fusedKernel('indRnnCell', (be, [x, u, h, out], B, H, a) => be.k.indRnnCell(x!, u!, h!, out!, B, H, a.nonlinearity === 'tanh' ? 1 : 0), stateShape(0)),
  fusedKernel('indRnnCellBackward', (be, [x, u, h, d, dx, du, dh], B, H, a) => be.k.indRnnCellBackward(x!, u!, h!, d!, dx!, du!, dh!, B, H, a.nonlinearity === 'tanh' ? 1 : 0), stateShape(0)),
];
