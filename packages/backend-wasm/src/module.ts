/**
 * Loading the compiled kernels: the module (decoded from the base64 the
 * build embeds), its memory, and the typed view of its exports.
 * @module
 */
import { plainRelaxedWasm, plainWasm, sharedRelaxedWasm, sharedWasm } from './generated/kernels.js';

/** The kernels' exports (pointers and sizes are numbers; see assembly/). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly GEMM_SCRATCH_BYTES: WebAssembly.Global;
  heapBase(): number;
  gemm(a: number, transA: number, b: number, transB: number, c: number, M: number, N: number, K: number, m0: number, m1: number, n0: number, n1: number, scratch: number, accumulate: number): void;
  gemmFewRows(a: number, transA: number, b: number, transB: number, c: number, M: number, N: number, K: number, n0: number, n1: number, scratch: number, accumulate: number): void;
  unary(op: number, x: number, o: number, n: number, p: number): void;
  binary(op: number, a: number, as: number, b: number, bs: number, o: number, n: number): void;
  compare(op: number, a: number, as: number, b: number, bs: number, o: number, n: number): void;
  reduce(op: number, x: number, o: number, outer: number, r: number, inner: number): void;
  copyStrided(src: number, dst: number, rank: number, shape: number, srcStrides: number, dstStrides: number, counters: number, elemShift: number): void;
  fill32(dst: number, value: number, n: number): void;
  softmax(x: number, o: number, rows: number, n: number, log: number): void;
  biasRows(y: number, bias: number, rows: number, cols: number, op: number, p: number): void;
  biasPlanes(y: number, bias: number, planes: number, C: number, size: number, op: number, p: number): void;
  conv2d(x: number, w: number, y: number, geo: number, n0: number, n1: number, j0: number, j1: number, o0: number, o1: number, scratch: number): void;
  conv2dBackpropInput(dy: number, w: number, dx: number, geo: number, n0: number, n1: number, c0: number, c1: number, scratch: number): void;
  conv2dBackpropFilter(x: number, dy: number, dw: number, geo: number, n0: number, n1: number, scratch: number): void;
  convScratchBytes(geo: number): number;
  winogradFilter(w: number, u: number, O: number, C: number, flip: number): void;
  winogradConv(x: number, u: number, y: number, geo: number, n0: number, n1: number, t0: number, t1: number, scratch: number, gemmScratch: number): void;
  winogradScratchBytes(geo: number, gemmBytes: number): number;
  winogradBlocks(geo: number): number;
  winogradFilterGradient(x: number, dy: number, du: number, geo: number, n0: number, n1: number, scratch: number, gemmScratch: number): void;
  winogradFilterGradientFinish(du: number, dw: number, O: number, C: number): void;
  winogradGradientScratchBytes(geo: number, gemmBytes: number): number;
  lstmCell(gates: number, c: number, h: number, cNext: number, B: number, H: number): void;
  lstmCellBackward(gates: number, c: number, dh: number, dcNext: number, dgates: number, dc: number, B: number, H: number): void;
  gruCell(xp: number, hp: number, h: number, out: number, B: number, H: number): void;
  gruCellBackward(xp: number, hp: number, h: number, dh: number, dxp: number, dhp: number, ds: number, B: number, H: number): void;
  indRnnCell(xp: number, u: number, h: number, out: number, B: number, H: number, tanh: number): void;
  indRnnCellBackward(xp: number, u: number, h: number, dh: number, dxp: number, du: number, dhPrev: number, B: number, H: number, tanh: number): void;
  maxPool2d(x: number, y: number, idx: number, geo: number): void;
  maxPoolValues(x: number, y: number, geo: number, scratch: number): void;
  maxPoolScratchBytes(geo: number): number;
  avgPool2d(x: number, y: number, geo: number, scratch: number, rows: number): void;
  avgPoolScratchBytes(geo: number): number;
  maxUnpool2d(x: number, idx: number, out: number, planes: number, n: number, size: number, add: number): number;
  batchNormForward(x: number, w: number, b: number, y: number, mean: number, variance: number, N: number, C: number, S: number, eps: number, c0: number, c1: number): void;
  batchNormBackward(dy: number, x: number, mean: number, variance: number, w: number, dmean: number, dvariance: number, dx: number, dw: number, db: number, N: number, C: number, S: number, eps: number, c0: number, c1: number): void;
}

/** Pages of 64 KiB: the memory's ceiling (4 GiB, the wasm32 limit). */
export const MAX_PAGES = 65536;

function decode(base64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(base64, 'base64'));
  const s = atob(base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** True where a shared WebAssembly memory can be made (Node; browsers only when cross-origin isolated). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

const modules = new Map<string, WebAssembly.Module>();
let relaxed: boolean | undefined;
let simd: boolean | undefined;

/** True where the engine accepts WebAssembly SIMD, which the wasm backend needs (Node 16.4+, current browsers). */
export function simdSupported(): boolean {
  return (simd ??= typeof WebAssembly === 'object' && WebAssembly.validate(decode(plainWasm) as BufferSource));
}

/**
 * True where the engine accepts relaxed SIMD (the kernels then use fused
 * multiply-adds): browsers ship it; Node 20 needs
 * --experimental-wasm-relaxed-simd.
 */
export function relaxedSimdSupported(): boolean {
  return (relaxed ??= WebAssembly.validate(decode(plainRelaxedWasm) as BufferSource));
}

/** The compiled module for a shared or a plain memory, relaxed SIMD where supported (compiled once, synchronously: it is small). */
export function kernelModule(shared: boolean): WebAssembly.Module {
  const useRelaxed = relaxedSimdSupported();
  const key = `${shared ? 'shared' : 'plain'}${useRelaxed ? '-relaxed' : ''}`;
  let m = modules.get(key);
  if (m === undefined) {
    const source = shared ? (useRelaxed ? sharedRelaxedWasm : sharedWasm) : useRelaxed ? plainRelaxedWasm : plainWasm;
    modules.set(key, (m = new WebAssembly.Module(decode(source) as BufferSource)));
  }
  return m;
}

/** Instantiates the kernels over `memory`. */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}
