/**
 * The three convolutions as implicit GEMMs on the shared tiled shader, one
 * batch of the grid per group: the image patches are read in place (no
 * im2col buffer).
 *
 * - forward: y[g] = W[g] (Og x Cg·KH·KW) · patches (Cg·KH·KW x N·OH·OW)
 * - filter gradient: dW[g] = dy[g] (Og x N·OH·OW) · patchesᵀ
 * - input gradient: dx[g] = W[g]ᵀ (Cg x Og·KH·KW) · dy placed back on the input grid
 * @module
 */
import { type ConvAttrs, convOps, type FusedActivation, type KernelDef, type TensorInfo } from '@nn/tensor';
import { kernelsFor } from '@nn/tensor/kernel';
import type { GpuData, WebGPUBackend } from '../backend.js';
import { declare, FLOAT_HELPERS } from '../wgsl.js';
import { epilogue, fusable } from './epilogue.js';
import { byRows, gemmGrid, gemmShader, rowsPerLane, splitK } from './gemm.js';
import { filled } from './layout.js';
import { sumParts } from './reduce.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');

/** Geometry after [M, N, K]: p[3..] = Nb, C, H, W, O, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw, Cg, Og. */
const GEOMETRY = `
fn Nb() -> u32 { return p[3]; } fn C() -> u32 { return p[4]; } fn H() -> u32 { return p[5]; } fn W() -> u32 { return p[6]; }
fn O() -> u32 { return p[7]; } fn OH() -> u32 { return p[8]; } fn OW() -> u32 { return p[9]; }
fn KH() -> u32 { return p[10]; } fn KW() -> u32 { return p[11]; }
fn Cg() -> u32 { return p[18]; } fn Og() -> u32 { return p[19]; }
// x at patch row k = (c, kh, kw) and output position col = (n, oh, ow) of group g; 0 in the padding.
fn patchAt(g: u32, k: u32, col: u32) -> f32 {
  let kk = KH() * KW();
  let c = k / kk; let r = k % kk;
  let kh = r / KW(); let kw = r % KW();
  let ohw = OH() * OW();
  let n = col / ohw; let s = col % ohw;
  let ih = i32((s / OW()) * p[12] + kh * p[16]) - i32(p[14]);
  let iw = i32((s % OW()) * p[13] + kw * p[17]) - i32(p[15]);
  if (ih < 0 || iw < 0 || ih >= i32(H()) || iw >= i32(W())) { return 0.0; }
  return in1_patch(((n * C() + g * Cg() + c) * H() + u32(ih)) * W() + u32(iw));
}`;

function geometry(x: readonly number[], w: readonly number[], y: readonly number[], a: ConvAttrs): number[] {
  const [Nb, C, H, W] = x as [number, number, number, number];
  const [O, Cg, KH, KW] = w as [number, number, number, number];
  const [, , OH, OW] = y as [number, number, number, number];
  const [pt, , pl] = a.padding;
  return [Nb, C, H, W, O, OH, OW, KH, KW, a.stride[0], a.stride[1], pt, pl, a.dilation[0], a.dilation[1], Cg, O / a.groups];
}

/** in0 = x, in1 = w; with `fused` (fusedConv2d), in2 = bias and the epilogue's activation. */
function forwardCode(R: 1 | 2 | 4, fused?: FusedActivation | null): string {
  return gemmShader(
    declare(fused === undefined ? ['f32', 'f32'] : ['f32', 'f32', 'f32'], ['f32']),
    `fn in1_patch(i: u32) -> f32 { return in0[i]; }
${FLOAT_HELPERS}
${fused === undefined ? '' : epilogue(fused)}
${GEOMETRY}
fn loadA(g: u32, m: u32, k: u32) -> f32 { return in1[(g * Og() + m) * p[2] + k]; }
fn loadB(g: u32, k: u32, col: u32) -> f32 { return patchAt(g, k, col); }
fn store(g: u32, m: u32, col: u32, v: f32) {
  let ohw = OH() * OW();
  out0[((col / ohw) * O() + g * Og() + m) * ohw + col % ohw] = ${fused === undefined ? 'v' : 'epilogue(v + in2[g * Og() + m])'};
}`,
    R,
  );
}

const forwardShader = byRows((R) => forwardCode(R));

/** in0 = x, in1 = dy. */
const filterShader = byRows((R) =>
  gemmShader(
  declare(['f32', 'f32'], ['f32']),
  `fn in1_patch(i: u32) -> f32 { return in0[i]; }
${GEOMETRY}
fn loadA(g: u32, m: u32, k: u32) -> f32 {
  let ohw = OH() * OW();
  return in1[((k / ohw) * O() + g * Og() + m) * ohw + k % ohw];
}
fn loadB(g: u32, k: u32, col: u32) -> f32 { return patchAt(g, col, k); }
// Split-K: part gemmPart of the sum over (n, oh, ow), laid out [parts, O, Cg·KH·KW].
fn store(g: u32, m: u32, col: u32, v: f32) { out0[(gemmPart * O() + g * Og() + m) * p[1] + col] = v; }`,
    R,
    20,
  ),
);

/** in0 = dy, in1 = w. */
const inputShader = byRows((R) =>
  gemmShader(
  declare(['f32', 'f32'], ['f32']),
  `${GEOMETRY.replace(/fn patchAt[\s\S]*$/, '')}
fn loadA(g: u32, m: u32, k: u32) -> f32 {
  let kk = KH() * KW();
  return in1[((g * Og() + k / kk) * Cg() + m) * kk + k % kk];
}
// dy at (o, kh, kw) = k for the input position col = (n, ih, iw): the output whose window puts tap (kh, kw) there, if any.
fn loadB(g: u32, k: u32, col: u32) -> f32 {
  let kk = KH() * KW();
  let o = k / kk; let r = k % kk;
  let kh = r / KW(); let kw = r % KW();
  let hw = H() * W();
  let n = col / hw; let s = col % hw;
  let th = i32(s / W()) + i32(p[14]) - i32(kh * p[16]);
  let tw = i32(s % W()) + i32(p[15]) - i32(kw * p[17]);
  if (th < 0 || tw < 0) { return 0.0; }
  let oh = u32(th) / p[12]; let ow = u32(tw) / p[13];
  if (u32(th) % p[12] != 0u || u32(tw) % p[13] != 0u || oh >= OH() || ow >= OW()) { return 0.0; }
  return in0[((n * O() + g * Og() + o) * OH() + oh) * OW() + ow];
}
fn store(g: u32, m: u32, col: u32, v: f32) {
  let hw = H() * W();
  out0[((col / hw) * C() + g * Cg() + m) * hw + col % hw] = v;
}`,
    R,
  ),
);

function runConv(backend: WebGPUBackend, x: TensorInfo<GpuData>, w: TensorInfo<GpuData>, bias: TensorInfo<GpuData> | undefined, y: readonly number[], attrs: ConvAttrs, code: (R: 1 | 2 | 4) => string): GpuData {
  const g = geometry(x.shape, w.shape, y, attrs);
  const [Nb, , , , , OH, OW, KH, KW] = g as [number, number, number, number, number, number, number, number, number];
  const Cg = g[15]!, Og = g[16]!;
  const M = Og, N = Nb * OH * OW, K = Cg * KH * KW;
  const out = backend.alloc('float32', Nb * w.shape[0]! * OH * OW);
  const inputs = bias === undefined ? [x.data, w.data] : [x.data, w.data, bias.data];
  backend.dispatch({ code: code(rowsPerLane(M)), inputs, outputs: [out], params: [M, N, K, ...g], workgroups: gemmGrid(M, N, attrs.groups) });
  return out;
}

const conv2dKernel = kernel(convOps.conv2d, ([x, w], attrs, { backend, outputs }) => [runConv(backend, x!, w!, undefined, outputs[0]!.shape, attrs, forwardShader)], { dtypes: ['float32'] });

/** Shaders of fusedConv2d by activation and rows per lane. */
const fusedShaders = new Map<string, (R: 1 | 2 | 4) => string>();

const fusedConv2dKernel = kernel(
  convOps.fusedConv2d,
  ([x, w, b], attrs, { backend, outputs }) => {
    const key = attrs.activation?.op ?? 'none';
    let code = fusedShaders.get(key);
    if (code === undefined) fusedShaders.set(key, (code = byRows((R) => forwardCode(R, attrs.activation))));
    return [runConv(backend, x!, w!, b!, outputs[0]!.shape, attrs, code)];
  },
  { dtypes: ['float32'], accepts: (_inputs, { activation }) => fusable(activation) },
);

const backpropFilterKernel = kernel(
  convOps.conv2dBackpropFilter,
  ([x, dy], attrs, { backend, outputs }) => {
    const wShape = outputs[0]!.shape;
    const g = geometry(x!.shape, wShape, dy!.shape, attrs);
    const [Nb, , , , , OH, OW, KH, KW] = g as [number, number, number, number, number, number, number, number, number];
    const Cg = g[15]!, Og = g[16]!;
    const M = Og, N = Cg * KH * KW, K = Nb * OH * OW;
    const size = wShape.reduce((s, d) => s * d, 1);
    if (K === 0) return [filled(backend, 'float32', size, 0)];
    // K (every output position of the batch) dwarfs M·N here: split it so the grid fills the GPU, then add the parts.
    const [parts, length] = splitK(M, N, K, attrs.groups);
    const partial = backend.alloc('float32', parts * size);
    const [gx, gy, gz] = gemmGrid(M, N, attrs.groups);
    backend.dispatch({ code: filterShader(rowsPerLane(M)), inputs: [x!.data, dy!.data], outputs: [partial], params: [M, N, K, ...g, parts, length], workgroups: [gx, gy, gz * parts] });
    if (parts === 1) return [partial];
    const out = sumParts(backend, partial, parts, size);
    backend.disposeData(partial);
    return [out];
  },
  { dtypes: ['float32'] },
);

const backpropInputKernel = kernel(
  convOps.conv2dBackpropInput,
  ([dy, w], attrs, { backend }) => {
    const xShape = attrs.inputShape;
    const g = geometry(xShape, w!.shape, dy!.shape, attrs);
    const [Nb, , H, W, , , , KH, KW] = g as [number, number, number, number, number, number, number, number, number];
    const Cg = g[15]!, Og = g[16]!;
    const M = Cg, N = Nb * H * W, K = Og * KH * KW;
    const out = backend.alloc('float32', xShape.reduce((s, d) => s * d, 1));
    backend.dispatch({ code: inputShader(rowsPerLane(M)), inputs: [dy!.data, w!.data], outputs: [out], params: [M, N, K, ...g], workgroups: gemmGrid(M, N, attrs.groups) });
    return [out];
  },
  { dtypes: ['float32'] },
);

/** Kernels of the convolutions. */
export const convKernels: KernelDef[] = [conv2dKernel, fusedConv2dKernel, backpropFilterKernel, backpropInputKernel];
