/**
 * Reductions: one workgroup per output element; its lanes stride over the
 * reduced elements and combine in workgroup memory. Axes that are not
 * contiguous are first transposed to the end, as on cpu.
 * @module
 */
import { type DType, type KernelDef, reduceOps, stridesOf } from '@nn/tensor';
import { kernelsFor, reductionLayout } from '@nn/tensor/kernel';
import { type GpuData, type WebGPUBackend, wgslType } from '../backend.js';
import { declare, FLOAT_HELPERS } from '../wgsl.js';
import { filled, stridedCopy } from './layout.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');
const LANES = 64;
const MAX_GROUPS = 65535;

/** How each reduction starts and combines (NaN propagates through max and min, as on cpu). */
const combine: Record<'sum' | 'prod' | 'max' | 'min', { init: (t: string) => string; op: string }> = {
  sum: { init: (t) => `${t}(0)`, op: 'a + b' },
  prod: { init: (t) => `${t}(1)`, op: 'a * b' },
  max: { init: () => 'x0', op: 'select(a, b, b > a || b != b)' },
  min: { init: () => 'x0', op: 'select(a, b, b < a || b != b)' },
};

/** Parameters [outer, reduced, inner]; workgroup w reduces x[(o·r + k)·inner + j] over k for o = w / inner, j = w % inner. */
function reduceShader(t: string, op: keyof typeof combine): string {
  const { init, op: expr } = combine[op];
  return `${declare([t], [t])}
${FLOAT_HELPERS}
fn f(a: ${t}, b: ${t}) -> ${t} { return ${expr}; }
var<workgroup> part: array<${t}, ${LANES}>;
@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let w = wid.x + wid.y * nwg.x;
  let r = p[1]; let inner = p[2];
  let base = (w / inner) * r * inner + w % inner;
  let x0 = in0[base];
  var acc = ${init(t)};
  for (var k = lane; k < r; k += ${LANES}u) { acc = f(acc, in0[base + k * inner]); }
  part[lane] = acc;
  workgroupBarrier();
  for (var s = ${LANES / 2}u; s > 0u; s = s / 2u) {
    if (lane < s) { part[lane] = f(part[lane], part[lane + s]); }
    workgroupBarrier();
  }
  if (lane == 0u && w < p[0] * inner) { out0[w] = part[0]; }
}`;
}

/** Like {@link reduceShader} for argmax/argmin: pairs (value, index), ties to the first index, NaN wins as on cpu. */
function argShader(t: string, op: 'argmax' | 'argmin'): string {
  const cmp = op === 'argmax' ? '>' : '<';
  return `${declare([t], ['i32'])}
${FLOAT_HELPERS}
fn better(v: ${t}, iv: u32, m: ${t}, im: u32) -> bool {
  if (v != v) { return m == m || iv < im; }
  if (m != m) { return false; }
  return v ${cmp} m || (v == m && iv < im);
}
var<workgroup> vals: array<${t}, ${LANES}>;
var<workgroup> idxs: array<u32, ${LANES}>;
@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let w = wid.x + wid.y * nwg.x;
  let r = p[1]; let inner = p[2];
  let base = (w / inner) * r * inner + w % inner;
  var m = in0[base];
  var im = 0u;
  for (var k = lane; k < r; k += ${LANES}u) {
    let v = in0[base + k * inner];
    if (better(v, k, m, im)) { m = v; im = k; }
  }
  vals[lane] = m; idxs[lane] = im;
  workgroupBarrier();
  for (var s = ${LANES / 2}u; s > 0u; s = s / 2u) {
    if (lane < s && better(vals[lane + s], idxs[lane + s], vals[lane], idxs[lane])) { vals[lane] = vals[lane + s]; idxs[lane] = idxs[lane + s]; }
    workgroupBarrier();
  }
  if (lane == 0u && w < p[0] * inner) { out0[w] = i32(idxs[0]); }
}`;
}

/** x as [outer, reduced, inner] for the sorted axes, transposed on the GPU when they are not contiguous. */
function blocks(backend: WebGPUBackend, x: { data: GpuData; shape: readonly number[]; dtype: DType }, axes: readonly number[]): { data: GpuData; outer: number; reduced: number; inner: number; temp: boolean } {
  const { outer, reduced, inner, perm } = reductionLayout(x.shape, axes);
  if (perm === undefined) return { data: x.data, outer, reduced, inner, temp: false };
  const strides = stridesOf(x.shape);
  return { data: stridedCopy(backend, x.data, 0, perm.map((p) => strides[p]!), perm.map((p) => x.shape[p]!), x.dtype), outer, reduced, inner, temp: true };
}

function runReduce(backend: WebGPUBackend, x: { data: GpuData; shape: readonly number[]; dtype: DType }, axes: readonly number[], outDtype: DType, code: (t: string) => string, empty: number): GpuData {
  const b = blocks(backend, x, axes);
  const n = b.outer * b.inner;
  if (b.reduced === 0) {
    if (b.temp) backend.disposeData(b.data);
    return filled(backend, outDtype, n, empty);
  }
  const out = backend.alloc(outDtype, n);
  if (n > 0) {
    const y = Math.ceil(n / MAX_GROUPS);
    backend.dispatch({ code: code(wgslType(x.dtype)), inputs: [b.data], outputs: [out], params: [b.outer, b.reduced, b.inner], workgroups: [Math.ceil(n / y), y, 1] });
  }
  if (b.temp) backend.disposeData(b.data);
  return out;
}

/** Σ over the `parts` leading blocks of `n` floats each: [parts, n] -> [n] (split-K partial sums). */
export function sumParts(backend: WebGPUBackend, data: GpuData, parts: number, n: number): GpuData {
  return runReduce(backend, { data, shape: [parts, n], dtype: 'float32' }, [0], 'float32', (t) => reduceShader(t, 'sum'), 0);
}

function reduceKernel(op: keyof typeof combine): KernelDef {
  return kernel(reduceOps[op], ([x], { axes }, { backend, outputs }) => [runReduce(backend, x!, axes, outputs[0]!.dtype, (t) => reduceShader(t, op), op === 'prod' ? 1 : 0)], {
    dtypes: ['float32', 'int32'],
  });
}

function argKernel(op: 'argmax' | 'argmin'): KernelDef {
  return kernel(reduceOps[op], ([x], { axis }, { backend }) => [runReduce(backend, x!, [axis], 'int32', (t) => argShader(t, op), 0)], { dtypes: ['float32', 'int32'] });
}

/** Kernels of the reductions. */
export const reduceKernels: KernelDef[] = [...(['sum', 'prod', 'max', 'min'] as const).map(reduceKernel), argKernel('argmax'), argKernel('argmin')];
