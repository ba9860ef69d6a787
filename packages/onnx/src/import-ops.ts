/**
 * How each ONNX op runs as nn ops, with the spec's attribute defaults and
 * the older opsets' forms (attributes that later became inputs).
 * @module
 */
import { interpolate, localResponseNorm } from '@nn/layers-conv';
import { type Attrs, fmtShape, full, getEngine, ShapeError, type Tensor, tensor, where, zeros } from '@nn/tensor';
import { OnnxFormatError, OnnxUnsupportedError } from './errors.js';
import { recurrent } from './import-recurrent.js';
import type { OnnxAttribute, OnnxNode } from './proto.js';
import { protoToTensor } from './proto.js';

/** What an op implementation sees of one node. */
export interface NodeContext {
  node: OnnxNode;
  opset: number;
  /** Input i, or undefined when absent (an empty name or past the end). */
  input(i: number): Tensor | undefined;
  /** Input i, required. */
  need(i: number): Tensor;
  /** Input i's values as numbers (shapes, axes, pads). */
  ints(i: number): number[] | undefined;
  attr: AttrReader;
  /** How many outputs the node names. */
  outputs: number;
  /** A fused activation to apply to the result (set by the import's fusion pass). */
  activation: { op: string; attrs?: Record<string, unknown> } | null;
}

/** Typed access to a node's attributes with defaults. */
export class AttrReader {
  private readonly byName: Map<string, OnnxAttribute>;
  constructor(private readonly node: OnnxNode) {
    this.byName = new Map((node.attribute ?? []).map((a) => [a.name, a]));
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  int(name: string, fallback: number): number {
    return this.byName.get(name)?.i ?? fallback;
  }
  float(name: string, fallback: number): number {
    return this.byName.get(name)?.f ?? fallback;
  }
  ints(name: string): number[] | undefined {
    return this.byName.get(name)?.ints;
  }
  floats(name: string): number[] | undefined {
    return this.byName.get(name)?.floats;
  }
  string(name: string, fallback: string): string {
    const s = this.byName.get(name)?.s;
    return s === undefined ? fallback : new TextDecoder().decode(s);
  }
  tensor(name: string): Tensor | undefined {
    const t = this.byName.get(name)?.t;
    return t === undefined ? undefined : protoToTensor(t);
  }
}

type Impl = (c: NodeContext) => Tensor | Tensor[];

const run = (op: string, inputs: Tensor[], attrs: Attrs) => getEngine().run(op, inputs, attrs);
const run1 = (op: string, inputs: Tensor[], attrs: Attrs) => run(op, inputs, attrs)[0]!;

function unsupported(c: NodeContext, what: string): never {
  throw new OnnxUnsupportedError(`${c.node.opType} node '${c.node.name ?? c.node.output[0]}' (opset ${c.opset}): ${what}`, 'importOnnx');
}

/** nn's [top, bottom, left, right] from ONNX pads [top, left, bottom, right] (the node's, or `given` for a widened 1-D window) or auto_pad. */
function windowPads(c: NodeContext, x: Tensor, kernel: number[], stride: number[], dilation: number[], given = c.attr.ints('pads')): [number, number, number, number] {
  const auto = c.attr.string('auto_pad', 'NOTSET');
  if (auto === 'NOTSET') {
    const p = given ?? [0, 0, 0, 0];
    return [p[0]!, p[2]!, p[1]!, p[3]!];
  }
  if (auto === 'VALID') return [0, 0, 0, 0];
  // SAME_UPPER / SAME_LOWER: output = ceil(input / stride); the odd pixel goes after (upper) or before (lower).
  const total = (i: number) => {
    const size = x.shape[2 + i]!;
    const out = Math.ceil(size / stride[i]!);
    return Math.max(0, (out - 1) * stride[i]! + (kernel[i]! - 1) * dilation[i]! + 1 - size);
  };
  const split = (t: number): [number, number] => (auto === 'SAME_UPPER' ? [Math.floor(t / 2), t - Math.floor(t / 2)] : [t - Math.floor(t / 2), Math.floor(t / 2)]);
  const [h, w] = [split(total(0)), split(total(1))];
  return [h[0], h[1], w[0], w[1]];
}

/** A 1-D convolution's or pooling's input [N, C, L] as [N, C, 1, L], with its attributes widened; 2-D as is. */
function spatial2d(c: NodeContext, x: Tensor): { x: Tensor; widen: (v: number[] | undefined, fill: number) => number[] | undefined; back: (y: Tensor) => Tensor } {
  if (x.rank === 4) return { x, widen: (v) => v, back: (y) => y };
  if (x.rank !== 3) unsupported(c, `input ${fmtShape(x.shape)}: nn runs 1-D and 2-D windows (rank 3 or 4)`);
  return {
    x: x.reshape([x.shape[0]!, x.shape[1]!, 1, x.shape[2]!]),
    widen: (v, fill) => (v === undefined ? undefined : v.length === 2 ? [fill, v[0]!, fill, v[1]!] : [fill, ...v]),
    back: (y) => y.reshape([y.shape[0]!, y.shape[1]!, y.shape[3]!]),
  };
}

function conv(c: NodeContext): Tensor {
  const s = spatial2d(c, c.need(0));
  let w = c.need(1);
  if (w.rank === 3) w = w.reshape([w.shape[0]!, w.shape[1]!, 1, w.shape[2]!]);
  const kernel = [w.shape[2]!, w.shape[3]!];
  const stride = s.widen(c.attr.ints('strides'), 1) ?? [1, 1];
  const dilation = s.widen(c.attr.ints('dilations'), 1) ?? [1, 1];
  const attrs = { stride, padding: windowPads(c, s.x, kernel, stride, dilation, s.widen(c.attr.ints('pads'), 0)), dilation, groups: c.attr.int('group', 1) };
  const b = c.input(2);
  if (b !== undefined) return s.back(run1('fusedConv2d', [s.x, w, b], { ...attrs, activation: c.activation }));
  const y = run1('conv2d', [s.x, w], attrs);
  return s.back(c.activation ? run1(c.activation.op, [y], c.activation.attrs ?? {}) : y);
}

function convTranspose(c: NodeContext): Tensor {
  const x = c.need(0), w = c.need(1);
  if (x.rank !== 4) unsupported(c, `input ${fmtShape(x.shape)}: nn runs 2-D transposed convolutions`);
  const stride = c.attr.ints('strides') ?? [1, 1];
  const dilation = c.attr.ints('dilations') ?? [1, 1];
  let outputPadding = c.attr.ints('output_padding') ?? [0, 0];
  let padding = windowPads(c, x, [w.shape[2]!, w.shape[3]!], stride, dilation);
  const outputShape = c.attr.ints('output_shape');
  if (outputShape !== undefined || !['NOTSET', 'VALID'].includes(c.attr.string('auto_pad', 'NOTSET'))) {
    // The spec's formula: total padding = stride·(in − 1) + output_padding + ((k − 1)·d + 1) − out.
    const out = outputShape ? outputShape.slice(-2) : [x.shape[2]! * stride[0]!, x.shape[3]! * stride[1]!];
    const total = [0, 1].map((i) => stride[i]! * (x.shape[2 + i]! - 1) + outputPadding[i]! + (w.shape[2 + i]! - 1) * dilation[i]! + 1 - out[i]!);
    if (total.some((t) => t % 2 !== 0 || t < 0)) unsupported(c, `output_shape ${JSON.stringify(outputShape)} needs uneven padding`);
    padding = [total[0]! / 2, total[0]! / 2, total[1]! / 2, total[1]! / 2];
  }
  if (padding[0] !== padding[1] || padding[2] !== padding[3]) {
    // nn's transposed convolution pads symmetrically: crop the extra row or column instead.
    unsupported(c, `pads ${JSON.stringify(c.attr.ints('pads'))} are not symmetric`);
  }
  outputPadding = [outputPadding[0]!, outputPadding[1]!];
  const y = run1('convTranspose2d', [x, w], { stride, padding, dilation, outputPadding, groups: c.attr.int('group', 1) });
  const b = c.input(2);
  return b === undefined ? y : y.add(b.reshape([1, b.shape[0]!, 1, 1]));
}

function pool(kind: 'max' | 'avg'): Impl {
  return (c) => {
    const s = spatial2d(c, c.need(0));
    const kernel = s.widen(c.attr.ints('kernel_shape'), 1) ?? unsupported(c, 'kernel_shape is required');
    const stride = s.widen(c.attr.ints('strides'), 1) ?? [1, 1];
    const dilation = s.widen(c.attr.ints('dilations'), 1) ?? [1, 1];
    const padding = windowPads(c, s.x, kernel, stride, dilation, s.widen(c.attr.ints('pads'), 0));
    const ceilMode = c.attr.int('ceil_mode', 0) === 1;
    if (kind === 'avg') return s.back(run1('avgPool2d', [s.x], { kernel, stride, padding, dilation: [1, 1], ceilMode, countIncludePad: c.attr.int('count_include_pad', 0) === 1 }));
    if (c.attr.int('storage_order', 0) !== 0) unsupported(c, 'storage_order 1 (column-major indices)');
    // Indices when the graph reads them or a gradient will (fine-tuning).
    const withIndices = c.outputs > 1 || (getEngine().recording && s.x.requiresGrad);
    const [y, indices] = run('maxPool2d', [s.x], { kernel, stride, padding, dilation, ceilMode, indices: withIndices });
    // Indices are nn's (per plane, as PyTorch's); MaxUnpool reads them so.
    return c.outputs > 1 ? [s.back(y!), s.back(indices!)] : [s.back(y!)];
  };
}

/** Axes from an attribute (older opsets) or from input i. */
function axesOf(c: NodeContext, i: number): number[] | undefined {
  return c.attr.ints('axes') ?? c.ints(i);
}

function reduce(op: string, axesInputFrom: number): Impl {
  return (c) => {
    const x = c.need(0);
    const axes = c.opset >= axesInputFrom ? c.ints(1) ?? c.attr.ints('axes') : c.attr.ints('axes');
    const keepdim = c.attr.int('keepdims', 1) === 1;
    if (axes === undefined || axes.length === 0) {
      if (c.attr.int('noop_with_empty_axes', 0) === 1) return x;
      return run1(op, [x], { axes: [...x.shape.keys()], keepdim });
    }
    return run1(op, [x], { axes: axes.map((a) => (a < 0 ? a + x.rank : a)), keepdim });
  };
}

const unary = (op: string): Impl => (c) => run1(op, [c.need(0)], {});
const binary = (op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'eq' | 'lt' | 'gt' | 'le' | 'ge' | 'logicalAnd' | 'logicalOr'): Impl => (c) => {
  const a = c.need(0), b = c.need(1);
  // ONNX Pow takes an exponent of any type; nn's ops need one dtype.
  return run1(op, [a, b.dtype === a.dtype || op.startsWith('logical') ? b : b.cast(a.dtype)], {});
};
const variadic = (op: 'add' | 'maximum' | 'minimum'): Impl => (c) => c.node.input.map((_, i) => c.need(i)).reduce((acc, t) => run1(op, [acc, t], {}));

function softmaxLike(op: 'softmax' | 'logSoftmax'): Impl {
  return (c) => {
    const x = c.need(0);
    if (c.opset >= 13) return run1(op, [x], { axis: (c.attr.int('axis', -1) + x.rank) % x.rank });
    // Before opset 13: flattened to 2-D at axis (default 1), softmax over the second part.
    const axis = (c.attr.int('axis', 1) + x.rank) % x.rank;
    const rows = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    return run1(op, [x.reshape([rows, -1])], { axis: 1 }).reshape(x.shape);
  };
}

/** Normalises an axis against a rank. */
const axisOf = (a: number, rank: number) => (a < 0 ? a + rank : a);

function slice(c: NodeContext): Tensor {
  const x = c.need(0);
  const starts = c.opset >= 10 ? c.ints(1) : c.attr.ints('starts');
  const ends = c.opset >= 10 ? c.ints(2) : c.attr.ints('ends');
  if (starts === undefined || ends === undefined) unsupported(c, 'starts and ends are required');
  const axes = (c.opset >= 10 ? c.ints(3) : c.attr.ints('axes')) ?? starts.map((_, i) => i);
  const steps = (c.opset >= 10 ? c.ints(4) : undefined) ?? starts.map(() => 1);
  const begin = x.shape.map(() => 0), end = [...x.shape], step = x.shape.map(() => 1);
  axes.forEach((a0, i) => {
    const a = axisOf(a0, x.rank), d = x.shape[a]!, st = steps[i]!;
    if (st <= 0) unsupported(c, `step ${st}: nn slices forward only`);
    const clamp = (v: number) => Math.max(0, Math.min(d, v < 0 ? v + d : v));
    begin[a] = clamp(starts[i]!);
    end[a] = Math.max(begin[a]!, clamp(ends[i]!));
    step[a] = st;
  });
  return run1('slice', [x], { begin, end, step });
}

function reshape(c: NodeContext): Tensor {
  const x = c.need(0);
  const shape = c.opset >= 5 ? c.ints(1) : c.attr.ints('shape');
  if (shape === undefined) unsupported(c, 'the shape is required');
  const allowZero = c.attr.int('allowzero', 0) === 1;
  const target = shape.map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d));
  return x.reshape(target);
}

function unsqueeze(c: NodeContext): Tensor {
  const x = c.need(0);
  const axes = (c.opset >= 13 ? c.ints(1) : c.attr.ints('axes')) ?? unsupported(c, 'axes are required');
  const rank = x.rank + axes.length;
  const at = new Set(axes.map((a) => axisOf(a, rank)));
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(at.has(i) ? 1 : x.shape[j++]!);
  return x.reshape(shape);
}

function squeeze(c: NodeContext): Tensor {
  const x = c.need(0);
  const axes = (c.opset >= 13 ? c.ints(1) : c.attr.ints('axes'))?.map((a) => axisOf(a, x.rank));
  for (const a of axes ?? []) if (x.shape[a] !== 1) throw new ShapeError(`Squeeze node '${c.node.name ?? ''}': axis ${a} of ${fmtShape(x.shape)} is not 1`, 'importOnnx');
  return x.reshape(x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)));
}

function gemm(c: NodeContext): Tensor {
  const a = c.need(0), b = c.need(1), bias = c.input(2);
  const [alpha, beta] = [c.attr.float('alpha', 1), c.attr.float('beta', 1)];
  const [transA, transB] = [c.attr.int('transA', 0) === 1, c.attr.int('transB', 0) === 1];
  if (alpha === 1 && beta === 1 && !transA && transB && bias !== undefined && bias.rank === 1 && bias.shape[0] === b.shape[0]) {
    return run1('fusedLinear', [a, b, bias], { activation: c.activation });
  }
  let y = run1('matmul', [a, b], { transposeA: transA, transposeB: transB });
  if (alpha !== 1) y = y.mul(alpha);
  if (bias !== undefined) y = y.add(beta === 1 ? bias : bias.mul(beta));
  return c.activation ? run1(c.activation.op, [y], c.activation.attrs ?? {}) : y;
}

function batchNormalization(c: NodeContext): Tensor {
  if (c.outputs > 1 && c.attr.int('training_mode', 0) === 1) unsupported(c, 'training_mode 1 (nn imports inference graphs; fine-tune with nn layers)');
  const x = c.need(0), scale = c.need(1), bias = c.need(2), mean = c.need(3), variance = c.need(4);
  const eps = c.attr.float('epsilon', 1e-5);
  const shape = [1, x.shape[1]!, ...x.shape.slice(2).map(() => 1)];
  const s = scale.div(variance.add(eps).sqrt());
  return x.mul(s.reshape(shape)).add(bias.sub(mean.mul(s)).reshape(shape));
}

function pad(c: NodeContext): Tensor {
  const x = c.need(0);
  const mode = c.attr.string('mode', 'constant');
  if (mode !== 'constant') unsupported(c, `mode '${mode}' (nn pads with a constant)`);
  const p = (c.opset >= 11 ? c.ints(1) : c.attr.ints('pads')) ?? unsupported(c, 'pads are required');
  const value = c.opset >= 11 ? (c.input(2)?.dataSync()[0] as number | undefined) ?? 0 : c.attr.float('value', 0);
  const axes = c.opset >= 18 ? c.ints(3) : undefined;
  const all = (axes ?? [...x.shape.keys()]).map((a) => axisOf(a, x.rank));
  const pads: [number, number][] = x.shape.map(() => [0, 0]);
  all.forEach((a, i) => (pads[a] = [p[i]!, p[i + all.length]!]));
  if (pads.some(([b, e]) => b < 0 || e < 0)) unsupported(c, 'negative pads (cropping)');
  return run1('pad', [x], { pads, value });
}

function clip(c: NodeContext): Tensor {
  let x = c.need(0);
  const lo = c.opset >= 11 ? (c.input(1)?.dataSync()[0] as number | undefined) : c.attr.has('min') ? c.attr.float('min', 0) : undefined;
  const hi = c.opset >= 11 ? (c.input(2)?.dataSync()[0] as number | undefined) : c.attr.has('max') ? c.attr.float('max', 0) : undefined;
  if (lo !== undefined) x = x.maximum(lo);
  if (hi !== undefined) x = x.minimum(hi);
  return x;
}

function resize(c: NodeContext): Tensor {
  const x = c.need(0);
  const mode = c.attr.string('mode', 'nearest');
  const transform = c.attr.string('coordinate_transformation_mode', c.opset >= 11 ? 'half_pixel' : 'asymmetric');
  if (x.rank !== 4) unsupported(c, `input ${fmtShape(x.shape)}: nn resizes [N, C, H, W]`);
  const scalesIndex = c.opset >= 11 ? 2 : 1;
  const scales = c.input(scalesIndex) && c.input(scalesIndex)!.size > 0 ? Array.from(c.input(scalesIndex)!.dataSync() as Float32Array) : undefined;
  const sizes = c.opset >= 11 ? c.ints(3) : undefined;
  const size: [number, number] = sizes ? [sizes[2]!, sizes[3]!] : scales ? [Math.floor(x.shape[2]! * scales[2]!), Math.floor(x.shape[3]! * scales[3]!)] : unsupported(c, 'scales or sizes are required');
  if ((scales && (scales[0] !== 1 || scales[1] !== 1)) || (sizes && (sizes[0] !== x.shape[0] || sizes[1] !== x.shape[1]))) unsupported(c, 'resizing the batch or channel axes');
  if (mode === 'linear') {
    if (transform !== 'half_pixel' && transform !== 'pytorch_half_pixel' && transform !== 'align_corners') unsupported(c, `linear mode with coordinate_transformation_mode '${transform}'`);
    // Given scales set the coordinate scale too (nn's scaleFactor); sizes set in/out.
    return interpolate(x, { ...(sizes ? { size } : { scaleFactor: [scales![2]!, scales![3]!] as [number, number] }), mode: 'bilinear', alignCorners: transform === 'align_corners' });
  }
  if (mode === 'nearest') {
    const nearest = c.attr.string('nearest_mode', 'round_prefer_floor');
    const integral = size[0] % x.shape[2]! === 0 && size[1] % x.shape[3]! === 0;
    if (!(integral && (transform === 'asymmetric' || transform === 'half_pixel') && (nearest === 'floor' || nearest === 'round_prefer_floor' || nearest === 'round_prefer_ceil'))) {
      if (!(transform === 'asymmetric' && nearest === 'floor')) unsupported(c, `nearest mode with ${transform} / ${nearest} at a non-integral scale`);
    }
    return interpolate(x, { ...(sizes ? { size } : { scaleFactor: [scales![2]!, scales![3]!] as [number, number] }), mode: 'nearest' });
  }
  return unsupported(c, `mode '${mode}'`);
}

function maxUnpool(c: NodeContext): Tensor {
  const x = c.need(0), indices = c.need(1);
  const outputShape = c.ints(2);
  const kernel = c.attr.ints('kernel_shape') ?? unsupported(c, 'kernel_shape is required');
  const stride = c.attr.ints('strides') ?? [1, 1];
  const p = c.attr.ints('pads') ?? [0, 0, 0, 0];
  const size: [number, number] = outputShape
    ? [outputShape[2]!, outputShape[3]!]
    : [(x.shape[2]! - 1) * stride[0]! + kernel[0]! - p[0]! - p[2]!, (x.shape[3]! - 1) * stride[1]! + kernel[1]! - p[1]! - p[3]!];
  return run1('maxUnpool2d', [x, indices.dtype === 'int32' ? indices : indices.cast('int32')], { outputSize: size });
}

function constant(c: NodeContext): Tensor {
  const t = c.attr.tensor('value');
  if (t !== undefined) return t;
  if (c.attr.has('value_float')) return tensor([c.attr.float('value_float', 0)], []);
  if (c.attr.has('value_int')) return tensor(Int32Array.of(c.attr.int('value_int', 0)), [], 'int32');
  const fs = c.attr.floats('value_floats');
  if (fs) return tensor(Float32Array.from(fs), [fs.length]);
  const is = c.attr.ints('value_ints');
  if (is) return tensor(Int32Array.from(is), [is.length], 'int32');
  return unsupported(c, 'a Constant needs value, value_float(s) or value_int(s)');
}

function split(c: NodeContext): Tensor[] {
  const x = c.need(0);
  const axis = axisOf(c.attr.int('axis', 0), x.rank);
  let sizes = c.opset >= 13 ? c.ints(1) : c.attr.ints('split');
  if (sizes === undefined) {
    const parts = c.attr.int('num_outputs', c.outputs);
    const each = Math.ceil(x.shape[axis]! / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.min(each, x.shape[axis]! - i * each));
  }
  return run('split', [x], { sizes, axis });
}

function gather(c: NodeContext): Tensor {
  const x = c.need(0);
  let idx = c.need(1);
  const axis = axisOf(c.attr.int('axis', 0), x.rank);
  if (idx.dtype !== 'int32') idx = idx.cast('int32');
  // Negative indices count from the end.
  const values = idx.dataSync() as Int32Array;
  if (values.some((v) => v < 0)) idx = tensor(Int32Array.from(values, (v) => (v < 0 ? v + x.shape[axis]! : v)), idx.shape, 'int32');
  return run1('gather', [x, idx], { axis });
}

function flatten(c: NodeContext): Tensor {
  const x = c.need(0);
  const axis = axisOf(c.attr.int('axis', 1), x.rank);
  const rows = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  return x.reshape([rows, x.size / Math.max(rows, 1)]);
}

const DTYPE_OF_ONNX: Record<number, 'float32' | 'float64' | 'int32' | 'bool'> = { 1: 'float32', 11: 'float64', 6: 'int32', 7: 'int32', 9: 'bool', 2: 'int32', 3: 'int32' };

/** The ONNX ops nn runs, by op type. */
export const IMPORTERS: Record<string, Impl> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  Gemm: gemm,
  MatMul: (c) => run1('matmul', [c.need(0), c.need(1)], { transposeA: false, transposeB: false }),
  Add: binary('add'),
  Sub: binary('sub'),
  Mul: binary('mul'),
  Div: binary('div'),
  Pow: binary('pow'),
  Max: variadic('maximum'),
  Min: variadic('minimum'),
  Sum: variadic('add'),
  Mean: (c) => (variadic('add')(c) as Tensor).div(c.node.input.length),
  Equal: binary('eq'),
  Less: binary('lt'),
  Greater: binary('gt'),
  LessOrEqual: binary('le'),
  GreaterOrEqual: binary('ge'),
  And: binary('logicalAnd'),
  Or: binary('logicalOr'),
  Not: unary('logicalNot'),
  Where: (c) => where(c.need(0).cast('bool'), c.need(1), c.need(2)),
  Relu: unary('relu'),
  Sigmoid: unary('sigmoid'),
  Tanh: unary('tanh'),
  Exp: unary('exp'),
  Log: unary('log'),
  Neg: unary('neg'),
  Abs: unary('abs'),
  Sqrt: unary('sqrt'),
  Floor: unary('floor'),
  Ceil: unary('ceil'),
  Round: unary('round'),
  Sign: unary('sign'),
  Erf: unary('erf'),
  Sin: unary('sin'),
  Cos: unary('cos'),
  Reciprocal: (c) => run1('div', [tensor([1], [], c.need(0).dtype), c.need(0)], {}),
  LeakyRelu: (c) => run1('leakyRelu', [c.need(0)], { slope: c.attr.float('alpha', 0.01) }),
  Elu: (c) => run1('elu', [c.need(0)], { alpha: c.attr.float('alpha', 1) }),
  HardSigmoid: (c) => c.need(0).mul(c.attr.float('alpha', 0.2)).add(c.attr.float('beta', 0.5)).maximum(0).minimum(1),
  Softplus: (c) => c.need(0).exp().add(1).log(),
  Clip: clip,
  Softmax: softmaxLike('softmax'),
  LogSoftmax: softmaxLike('logSoftmax'),
  Identity: (c) => c.need(0),
  Dropout: (c) => (c.outputs > 1 ? [c.need(0), full(c.need(0).shape, true, 'bool')] : c.need(0)),
  Cast: (c) => c.need(0).cast(DTYPE_OF_ONNX[c.attr.int('to', 1)] ?? unsupported(c, `cast to ONNX type ${c.attr.int('to', 1)}`)),
  Reshape: reshape,
  Flatten: flatten,
  Transpose: (c) => {
    const x = c.need(0);
    return run1('transpose', [x], { perm: c.attr.ints('perm')?.map((a) => axisOf(a, x.rank)) ?? [...x.shape.keys()].reverse() });
  },
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: (c) => {
    const parts = c.node.input.map((_, i) => c.need(i)).filter((t) => t.size > 0 || t.rank > 1);
    return run1('concat', parts, { axis: axisOf(c.attr.int('axis', 0), parts[0]!.rank) });
  },
  Split: split,
  Slice: slice,
  Gather: gather,
  Shape: (c) => {
    const shape = c.need(0).shape;
    const start = axisOf(c.attr.int('start', 0), shape.length), end = c.attr.has('end') ? axisOf(c.attr.int('end', shape.length), shape.length) : shape.length;
    return tensor(Int32Array.from(shape.slice(start, end)), [Math.max(0, end - start)], 'int32');
  },
  ConstantOfShape: (c) => {
    const shape = c.ints(0) ?? [];
    const value = c.attr.tensor('value');
    return value ? full(shape, value.dataSync()[0] as number, value.dtype) : zeros(shape);
  },
  Constant: constant,
  Expand: (c) => {
    const x = c.need(0), shape = c.ints(1) ?? unsupported(c, 'the shape is required');
    const rank = Math.max(x.rank, shape.length);
    const xs = [...Array(rank - x.rank).fill(1), ...x.shape], ss = [...Array(rank - shape.length).fill(1), ...shape];
    return run1('broadcastTo', [x], { shape: xs.map((d, i) => (d === 1 ? ss[i]! : d)) });
  },
  Pad: pad,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: (c) => run1('mean', [c.need(0)], { axes: [...c.need(0).shape.keys()].slice(2), keepdim: true }),
  GlobalMaxPool: (c) => run1('max', [c.need(0)], { axes: [...c.need(0).shape.keys()].slice(2), keepdim: true }),
  ReduceMean: reduce('mean', 18),
  ReduceSum: reduce('sum', 13),
  ReduceMax: reduce('max', 18),
  ReduceMin: reduce('min', 18),
  ArgMax: (c) => {
    const x = c.need(0);
    if (c.attr.int('select_last_index', 0) !== 0) unsupported(c, 'select_last_index 1');
    return run1('argmax', [x], { axis: axisOf(c.attr.int('axis', 0), x.rank), keepdim: c.attr.int('keepdims', 1) === 1 });
  },
  BatchNormalization: batchNormalization,
  LRN: (c) => {
    const size = c.attr.int('size', 0);
    if (size % 2 === 0) unsupported(c, `an even size (${size}): ONNX centres the window differently from nn's`);
    return localResponseNorm(c.need(0), size, { alpha: c.attr.float('alpha', 1e-4), beta: c.attr.float('beta', 0.75), k: c.attr.float('bias', 1) });
  },
  MaxUnpool: maxUnpool,
  Resize: resize,
  Upsample: resize,
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  RNN: recurrent('RNN'),
};

/** Checks that a node's outputs are what the implementation gave, as a format error otherwise. */
export function checkOutputCount(node: OnnxNode, got: number): void {
  const named = node.output.filter((n) => n !== '').length;
  if (got < named) throw new OnnxFormatError(`${node.opType} node '${node.name ?? ''}' names ${named} outputs; nn computes ${got}`, 'importOnnx');
}

/** Where an op's older opsets differ, what nn reads (for the README's table). */
export const IMPORT_NOTES: Record<string, string> = {
  Conv: '1-D and 2-D; auto_pad', ConvTranspose: '2-D; output_shape, auto_pad; symmetric pads', Gemm: 'alpha, beta, transA, transB',
  Reshape: 'shape as attribute before 5; allowzero', Slice: 'attributes before 10; steps > 0', Squeeze: 'axes attribute before 13', Unsqueeze: 'axes attribute before 13',
  Split: 'split attribute before 13; num_outputs (18)', Pad: 'attributes before 11; axes (18); constant mode', Clip: 'min/max attributes before 11',
  Softmax: 'flattened at axis before 13', LogSoftmax: 'flattened at axis before 13', ReduceMean: 'axes input from 18', ReduceMax: 'axes input from 18', ReduceMin: 'axes input from 18', ReduceSum: 'axes input from 13',
  MaxPool: 'Indices per plane (as nn and PyTorch), read by MaxUnpool', AveragePool: 'count_include_pad', BatchNormalization: 'inference form (opsets 7-15 alike)',
  Resize: 'nearest (integral scales; asymmetric floor at any scale), linear (half_pixel, pytorch_half_pixel, align_corners)', Upsample: 'as Resize', LRN: 'odd sizes', Dropout: 'identity (inference)',
  LSTM: 'forward, reverse, bidirectional; layout; default activations', GRU: 'linear_before_reset 0 and 1', RNN: 'Tanh or Relu',
  Gather: 'negative indices', Shape: 'start, end (15)', Constant: 'value, value_float(s), value_int(s)',
};
