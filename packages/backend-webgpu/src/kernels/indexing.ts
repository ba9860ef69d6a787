/**
 * gather, scatterAdd and oneHot. Indices that came from the host (labels,
 * say) are range-checked there, with the cpu kernel's errors; indices
 * computed on the GPU cannot be read without waiting, so the shaders wrap
 * negatives and clamp what is out of range instead of reading past a buffer.
 * @module
 */
import { fmtShape, indexingOps, type KernelDef, sizeOf, ValueError } from '@nn/tensor';
import { kernelsFor } from '@nn/tensor/kernel';
import { type GpuData, GLOBAL_INDEX, grid, type WebGPUBackend, wgslType } from '../backend.js';
import { declare } from '../wgsl.js';
import { ATOMIC_ADD_F32 } from './atomic.js';
import { allOnHost, runOnHost } from './host.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');

/** Throws the cpu kernel's error for an out-of-range index, when the indices are on the host. */
function checkOnHost(op: string, indices: GpuData, size: number, shape: readonly number[], axis: number): void {
  const host = indices.host as Int32Array | undefined;
  if (host === undefined) return;
  for (const i of host) if (i < -size || i >= size) throw new ValueError(`index ${i} is out of range for dim ${axis} of size ${size} (shape ${fmtShape(shape)})`, op);
}

/** WGSL: index `k` of the indices wrapped and clamped into [0, d). */
const INDEX = `fn index(k: u32, d: u32) -> u32 {
  var j = in1[k];
  if (j < 0) { j += i32(d); }
  return u32(clamp(j, 0, i32(d) - 1));
}`;

/** p = [n, count of indices, d, inner]. */
function gatherShader(t: string): string {
  return `${declare([t, 'i32'], [t])}
${INDEX}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  let n = p[1]; let d = p[2]; let inner = p[3];
  let j = i % inner; let r = i / inner;
  let k = r % n; let o = r / n;
  out0[i] = in0[(o * d + index(k, d)) * inner + j];
}`;
}

/** p = [count of updates, count of indices, d, inner]; out0 holds x already. */
function scatterAddShader(t: string): string {
  const float = t === 'f32';
  return `${declare([t, 'i32'], [float ? 'atomic<u32>' : 'atomic<i32>'])}
${INDEX}
${float ? ATOMIC_ADD_F32 : ''}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  let n = p[1]; let d = p[2]; let inner = p[3];
  let j = i % inner; let r = i / inner;
  let k = r % n; let o = r / n;
  let at = (o * d + index(k, d)) * inner + j;
  ${float ? 'atomicAddF32(at, in0[i]);' : 'atomicAdd(&out0[at], in0[i]);'}
}`;
}

const gatherKernel = kernel(
  indexingOps.gather,
  ([x, indices], attrs, ctx) => {
    // A batch gathered from a data set that came from the host is gathered there, and stays readable (its labels, say).
    if (allOnHost([x!, indices!])) return runOnHost('gather', [x!, indices!], attrs, ctx);
    const { backend, outputs } = ctx;
    const ax = attrs.axis < 0 ? attrs.axis + x!.shape.length : attrs.axis;
    const d = x!.shape[ax]!;
    checkOnHost('gather', indices!.data, d, x!.shape, ax);
    const n = sizeOf(outputs[0]!.shape);
    const out = backend.alloc(x!.dtype, n);
    backend.dispatch({ code: gatherShader(wgslType(x!.dtype)), inputs: [x!.data, indices!.data], outputs: [out], params: [n, sizeOf(indices!.shape), d, sizeOf(x!.shape.slice(ax + 1))], workgroups: grid(n) });
    return [out];
  },
);

const scatterAddKernel = kernel(
  indexingOps.scatterAdd,
  ([x, indices, updates], { axis }, { backend }) => {
    const ax = axis < 0 ? axis + x!.shape.length : axis;
    const d = x!.shape[ax]!;
    checkOnHost('scatterAdd', indices!.data, d, x!.shape, ax);
    const size = sizeOf(x!.shape);
    const out = backend.alloc(x!.dtype, size);
    backend.copy(x!.data, out, size);
    // Updates laid out as x with dim `axis` replaced by the indices: its element u reads the layout [outer, n, inner].
    const n = sizeOf(updates!.shape);
    backend.dispatch({
      code: scatterAddShader(x!.dtype === 'float32' ? 'f32' : 'i32'),
      inputs: [updates!.data, indices!.data],
      outputs: [out],
      params: [n, sizeOf(indices!.shape), d, sizeOf(x!.shape.slice(ax + 1))],
      workgroups: grid(n),
    });
    return [out];
  },
  { dtypes: ['float32', 'int32'] },
);

const oneHotShader = `${declare(['i32'], ['f32'])}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  out0[i] = select(0.0, 1.0, in0[i / p[1]] == i32(i % p[1]));
}`;

const oneHotKernel = kernel(indexingOps.oneHot, ([indices], { depth }, { backend }) => {
  const host = indices!.data.host as Int32Array | undefined;
  if (host !== undefined) {
    host.forEach((c, i) => {
      if (c < 0 || c >= depth) throw new ValueError(`class index ${c} at position ${i} is outside [0, ${depth}) (indices shape ${fmtShape(indices!.shape)})`, 'oneHot');
    });
  }
  const n = sizeOf(indices!.shape) * depth;
  const out = backend.alloc('float32', n);
  backend.dispatch({ code: oneHotShader, inputs: [indices!.data], outputs: [out], params: [n, depth], workgroups: grid(n) });
  return [out];
});

/** Kernels of the indexing ops. */
export const indexingKernels: KernelDef[] = [gatherKernel, scatterAddKernel, oneHotKernel];
