/**
 * Batch norm in training, forward and backward: one workgroup per channel,
 * whose lanes stride over the channel's N·S values, reduce in workgroup
 * memory (the mean first, then the variance about it, as the cpu kernel
 * does), and write the channel's outputs. The per-channel vectors of the
 * backward pass travel packed in one buffer, to stay within the eight
 * storage bindings a shader stage is guaranteed.
 * @module
 */
import { type KernelDef, normOps } from '@nn/tensor';
import { kernelsFor } from '@nn/tensor/kernel';
import { f32Bits, type WebGPUBackend } from '../backend.js';
import { declare } from '../wgsl.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');
const LANES = 64;

/** WGSL: `channelSum(lane, v)`, the workgroup's sum of every lane's v (to be called by all lanes). p = [N, C, S, eps bits]. */
const CHANNEL = `
var<workgroup> red: array<f32, ${LANES}>;
fn channelSum(lane: u32, v: f32) -> f32 {
  red[lane] = v;
  workgroupBarrier();
  for (var s = ${LANES / 2}u; s > 0u; s = s / 2u) {
    if (lane < s) { red[lane] += red[lane + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}
// Index of value i (of the N·S) of channel c.
fn at(c: u32, i: u32) -> u32 { return ((i / p[2]) * p[1] + c) * p[2] + i % p[2]; }`;

/** in0 = x, in1 = weight, in2 = bias; out0 = y, out1 = mean, out2 = variance. */
const forwardShader = `${declare(['f32', 'f32', 'f32'], ['f32', 'f32', 'f32'])}
${CHANNEL}
@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let c = wid.x; let M = p[0] * p[2];
  var acc = 0.0;
  for (var i = lane; i < M; i += ${LANES}u) { acc += in0[at(c, i)]; }
  let mean = channelSum(lane, acc) / f32(M);
  var sq = 0.0;
  for (var i = lane; i < M; i += ${LANES}u) { let d = in0[at(c, i)] - mean; sq += d * d; }
  let variance = channelSum(lane, sq) / f32(M);
  let scale = in1[c] / sqrt(variance + bitcast<f32>(p[3]));
  let shift = in2[c] - mean * scale;
  for (var i = lane; i < M; i += ${LANES}u) { let j = at(c, i); out0[j] = in0[j] * scale + shift; }
  if (lane == 0u) { out1[c] = mean; out2[c] = variance; }
}`;

/** in0 = dy, in1 = x, in2 = [mean, variance, weight, dmean, dvariance] packed (5C); out0 = dx, out1 = [dweight, dbias] packed (2C). */
const backwardShader = `${declare(['f32', 'f32', 'f32'], ['f32', 'f32'])}
${CHANNEL}
@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let c = wid.x; let C = p[1]; let M = p[0] * p[2];
  let m = in2[c]; let s = 1.0 / sqrt(in2[C + c] + bitcast<f32>(p[3])); let ws = in2[2u * C + c] * s;
  var a = 0.0; var b = 0.0;
  for (var i = lane; i < M; i += ${LANES}u) { let j = at(c, i); let g = in0[j]; a += g; b += g * (in1[j] - m); }
  let sumDy = channelSum(lane, a);
  let sumDyX = channelSum(lane, b);
  // dx = ws·dy + slope·(x − mean) + offset, as the cpu kernel and the composite
  let slope = (2.0 * in2[4u * C + c] - ws * s * s * sumDyX) / f32(M);
  let offset = (in2[3u * C + c] - ws * sumDy) / f32(M);
  for (var i = lane; i < M; i += ${LANES}u) { let j = at(c, i); out0[j] = ws * in0[j] + slope * (in1[j] - m) + offset; }
  if (lane == 0u) { out1[c] = sumDyX * s; out1[C + c] = sumDy; }
}`;

function dims(shape: readonly number[]): [number, number, number] {
  return [shape[0]!, shape[1]!, shape.slice(2).reduce((a, b) => a * b, 1)];
}

const forwardKernel = kernel(
  normOps.batchNorm,
  ([x, weight, bias], { eps }, { backend }) => {
    const [N, C, S] = dims(x!.shape);
    const y = backend.alloc('float32', N * C * S), mean = backend.alloc('float32', C), variance = backend.alloc('float32', C);
    backend.dispatch({ code: forwardShader, inputs: [x!.data, weight!.data, bias!.data], outputs: [y, mean, variance], params: [N, C, S, f32Bits(eps)], workgroups: [C, 1, 1] });
    return [y, mean, variance];
  },
  { dtypes: ['float32'] },
);

const backwardKernel = kernel(
  normOps.batchNormBackward,
  ([dy, x, mean, variance, weight, dmean, dvariance], { eps }, { backend }) => {
    const [N, C, S] = dims(x!.shape);
    const packed = backend.alloc('float32', 5 * C);
    [mean, variance, weight, dmean, dvariance].forEach((v, k) => backend.copy(v!.data, packed, C, 0, k * C));
    const dx = backend.alloc('float32', N * C * S), grads = backend.alloc('float32', 2 * C);
    backend.dispatch({ code: backwardShader, inputs: [dy!.data, x!.data, packed], outputs: [dx, grads], params: [N, C, S, f32Bits(eps)], workgroups: [C, 1, 1] });
    const dw = backend.alloc('float32', C), db = backend.alloc('float32', C);
    backend.copy(grads, dw, C, 0, 0);
    backend.copy(grads, db, C, C, 0);
    backend.disposeData(packed);
    backend.disposeData(grads);
    return [dx, dw, db];
  },
  { dtypes: ['float32'] },
);

/** Kernels of the batch-norm ops. */
export const normKernels: KernelDef[] = [forwardKernel, backwardKernel];
