/**
 * Pooling kernels: max pooling with its switches, average pooling and its
 * adjoint (PyTorch's windows and divisors from `avgPoolAxis`), max
 * unpooling, its adjoint `spatialGather`, and max pooling's gradient, which
 * sums into the input with atomics where windows overlap.
 * @module
 */
import { type AvgPoolAttrs, avgPoolAxis, type KernelDef, poolOps } from '@nn/tensor';
import { kernelsFor } from '@nn/tensor/kernel';
import { GLOBAL_INDEX, grid, type WebGPUBackend } from '../backend.js';
import { declare, FLOAT_HELPERS } from '../wgsl.js';
import { ATOMIC_ADD_F32 } from './atomic.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');

/** p = [n, H, W, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw]. */
function maxPoolShader(indices: boolean): string {
  return `${declare(['f32'], indices ? ['f32', 'i32'] : ['f32'])}
${FLOAT_HELPERS}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  let H = i32(p[1]); let W = i32(p[2]); let OH = p[3]; let OW = p[4];
  let plane = i / (OH * OW); let s = i % (OH * OW);
  let oh = i32(s / OW); let ow = i32(s % OW);
  let base = plane * p[1] * p[2];
  var best = -inf_(); var at = -1;
  for (var kh = 0; kh < i32(p[5]); kh++) {
    let ih = oh * i32(p[7]) - i32(p[9]) + kh * i32(p[11]);
    if (ih < 0 || ih >= H) { continue; }
    var stop = false;
    for (var kw = 0; kw < i32(p[6]); kw++) {
      let iw = ow * i32(p[8]) - i32(p[10]) + kw * i32(p[12]);
      if (iw < 0 || iw >= W) { continue; }
      let v = in0[base + u32(ih * W + iw)];
      if (v > best || at < 0 || v != v) {
        best = v; at = ih * W + iw;
        if (v != v) { stop = true; break; }
      }
    }
    if (stop) { break; }
  }
  out0[i] = best;
  ${indices ? 'out1[i] = at;' : ''}
}`;
}

const maxPoolKernel = kernel(
  poolOps.maxPool2d,
  ([x], { kernel: [KH, KW], stride: [sh, sw], padding: [pt, , pl], dilation: [dh, dw], indices }, { backend, outputs }) => {
    const [, , H, W] = x!.shape as number[];
    const [N, C, OH, OW] = outputs[0]!.shape as [number, number, number, number];
    const n = N * C * OH * OW;
    const withIndices = indices !== false;
    const y = backend.alloc('float32', n);
    const outs = withIndices ? [y, backend.alloc('int32', n)] : [y];
    backend.dispatch({ code: maxPoolShader(withIndices), inputs: [x!.data], outputs: outs, params: [n, H!, W!, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw], workgroups: grid(n) });
    return outs;
  },
  { dtypes: ['float32'] },
);

/** PyTorch's windows per axis: p = [n, H, W, OH, OW, KH, KW, sh, sw, pt, pl, then lo, hi, share for the OH rows, then for the OW columns]. */
function avgParams(n: number, attrs: AvgPoolAttrs, H: number, W: number, OH: number, OW: number): number[] {
  const { kernel: [KH, KW], stride: [sh, sw], padding: [pt, pb, pl, pr], countIncludePad } = attrs;
  const rows = avgPoolAxis(H, OH, KH, sh, pt, pb, countIncludePad), cols = avgPoolAxis(W, OW, KW, sw, pl, pr, countIncludePad);
  return [n, H, W, OH, OW, KH, KW, sh, sw, pt, pl, ...rows.lo, ...rows.hi, ...rows.share, ...cols.lo, ...cols.hi, ...cols.share];
}

const AVG_WINDOWS = `
const R = 11u;
fn rowLo(o: u32) -> u32 { return p[R + o]; } fn rowHi(o: u32) -> u32 { return p[R + p[3] + o]; } fn rowShare(o: u32) -> u32 { return p[R + 2u * p[3] + o]; }
fn colLo(o: u32) -> u32 { return p[R + 3u * p[3] + o]; } fn colHi(o: u32) -> u32 { return p[R + 3u * p[3] + p[4] + o]; } fn colShare(o: u32) -> u32 { return p[R + 3u * p[3] + 2u * p[4] + o]; }`;

const avgPoolShader = `${declare(['f32'], ['f32'])}
${AVG_WINDOWS}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  let OH = p[3]; let OW = p[4];
  let plane = i / (OH * OW); let s = i % (OH * OW);
  let oh = s / OW; let ow = s % OW;
  let base = plane * p[1] * p[2];
  var sum = 0.0;
  for (var ih = rowLo(oh); ih < rowHi(oh); ih++) { for (var iw = colLo(ow); iw < colHi(ow); iw++) { sum += in0[base + ih * p[2] + iw]; } }
  out0[i] = sum / f32(rowShare(oh) * colShare(ow));
}`;

/** Each input element sums the shares of the windows that hold it; the candidates are the outputs whose unclipped window starts within a kernel before it. */
const avgPoolBackwardShader = `${declare(['f32'], ['f32'])}
${AVG_WINDOWS}
fn firstWindow(pos: u32, k: u32, stride: u32, pad: u32) -> u32 {
  let t = i32(pos + pad) - i32(k) + 1;
  return select(0u, (u32(t) + stride - 1u) / stride, t > 0);
}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  let H = p[1]; let W = p[2]; let OH = p[3]; let OW = p[4];
  let plane = i / (H * W); let s = i % (H * W);
  let ih = s / W; let iw = s % W;
  var sum = 0.0;
  for (var oh = firstWindow(ih, p[5], p[7], p[9]); oh < OH && oh * p[7] <= ih + p[9]; oh++) {
    if (ih < rowLo(oh) || ih >= rowHi(oh)) { continue; }
    for (var ow = firstWindow(iw, p[6], p[8], p[10]); ow < OW && ow * p[8] <= iw + p[10]; ow++) {
      if (iw < colLo(ow) || iw >= colHi(ow)) { continue; }
      sum += in0[(plane * OH + oh) * OW + ow] / f32(rowShare(oh) * colShare(ow));
    }
  }
  out0[i] = sum;
}`;

const avgPoolKernel = kernel(
  poolOps.avgPool2d,
  ([x], attrs, { backend, outputs }) => {
    const [, , H, W] = x!.shape as number[];
    const [N, C, OH, OW] = outputs[0]!.shape as [number, number, number, number];
    const n = N * C * OH * OW;
    const y = backend.alloc('float32', n);
    backend.dispatch({ code: avgPoolShader, inputs: [x!.data], outputs: [y], params: avgParams(n, attrs, H!, W!, OH, OW), workgroups: grid(n) });
    return [y];
  },
  { dtypes: ['float32'] },
);

const avgPoolBackwardKernel = kernel(
  poolOps.avgPool2dBackward,
  ([dy], attrs, { backend }) => {
    const [N, C, H, W] = attrs.inputShape as [number, number, number, number];
    const [, , OH, OW] = dy!.shape as number[];
    const n = N * C * H * W;
    const dx = backend.alloc('float32', n);
    backend.dispatch({ code: avgPoolBackwardShader, inputs: [dy!.data], outputs: [dx], params: avgParams(n, attrs, H, W, OH!, OW!), workgroups: grid(n) });
    return [dx];
  },
  { dtypes: ['float32'] },
);

/** p = [n (inputs), plane (h·w), size (H·W)]; index i of x goes to its plane's entry indices[i]. */
function unpoolShader(add: boolean): string {
  return `${declare(['f32', 'i32'], [add ? 'atomic<u32>' : 'f32'])}
${add ? ATOMIC_ADD_F32 : ''}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  let at = (i / p[1]) * p[2] + u32(clamp(in1[i], 0, i32(p[2]) - 1));
  ${add ? 'atomicAddF32(at, in0[i]);' : 'out0[at] = in0[i];'}
}`;
}

function unpoolKernel(op: typeof poolOps.maxUnpool2d | typeof poolOps.maxPool2dBackward, add: boolean): KernelDef {
  return kernel(
    op,
    ([x, indices], { outputSize: [H, W] }, { backend }) => {
      const [N, C, h, w] = x!.shape as [number, number, number, number];
      const out = backend.alloc('float32', N * C * H * W);
      backend.clear(out);
      const n = N * C * h * w;
      backend.dispatch({ code: unpoolShader(add), inputs: [x!.data, indices!.data], outputs: [out], params: [n, h * w, H * W], workgroups: grid(n) });
      return [out];
    },
    { dtypes: ['float32'] },
  );
}

const spatialGatherShader = `${declare(['f32', 'i32'], ['f32'])}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  out0[i] = in0[(i / p[1]) * p[2] + u32(clamp(in1[i], 0, i32(p[2]) - 1))];
}`;

const spatialGatherKernel = kernel(
  poolOps.spatialGather,
  ([x, indices], _attrs, { backend }) => {
    const [N, C, H, W] = x!.shape as [number, number, number, number];
    const [, , h, w] = indices!.shape as number[];
    const n = N * C * h! * w!;
    const out = backend.alloc('float32', n);
    backend.dispatch({ code: spatialGatherShader, inputs: [x!.data, indices!.data], outputs: [out], params: [n, h! * w!, H * W], workgroups: grid(n) });
    return [out];
  },
  { dtypes: ['float32'] },
);

/** Kernels of the pooling ops. */
export const poolKernels: KernelDef[] = [maxPoolKernel, avgPoolKernel, avgPoolBackwardKernel, unpoolKernel(poolOps.maxPool2dBackward, true), unpoolKernel(poolOps.maxUnpool2d, false), spatialGatherKernel];
