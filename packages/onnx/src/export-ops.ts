/**
 * How each nn op is written as ONNX nodes. An op missing here is exported
 * through its composite decomposition when it has one; a primitive missing
 * here is an error naming it.
 * @module
 */
import { type Attrs, type Tensor, tensor } from '@nn/tensor';
import { OnnxUnsupportedError } from './errors.js';
import { type AttrValue, float, type GraphBuilder, int, ints } from './graph-builder.js';
import { onnxType } from './proto.js';

/** What an exporter sees of one traced op. */
export interface ExportContext {
  g: GraphBuilder;
  opset: number;
  op: string;
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  attrs: Attrs;
  /** The graph's name for input i (an initializer when it is a constant). */
  input(i: number): string;
  /** Binds output i to a fresh name and returns it. */
  output(i: number): string;
  /** True when the first axis is the dynamic batch axis of the graph. */
  dynamicBatch: boolean;
  /** The max pooling that produced an indices tensor: its input and attributes. */
  pools: Map<Tensor, { input: Tensor; attrs: Attrs }>;
}

type Exporter = (c: ExportContext) => void;

/** ONNX pads [top, left, bottom, right] of nn's [top, bottom, left, right]. */
const pads = (p: readonly number[]) => [p[0]!, p[2]!, p[1]!, p[3]!];

/** Writes a fused activation after `x`; returns the name of the result. */
function activation(c: ExportContext, x: string, act: { op: string; attrs?: Record<string, unknown> } | null | undefined, outName: string): void {
  if (act == null) {
    c.g.node('Identity', [x], [outName]);
    return;
  }
  switch (act.op) {
    case 'relu':
      c.g.node('Relu', [x], [outName]);
      return;
    case 'sigmoid':
      c.g.node('Sigmoid', [x], [outName]);
      return;
    case 'tanh':
      c.g.node('Tanh', [x], [outName]);
      return;
    case 'leakyRelu':
      c.g.node('LeakyRelu', [x], [outName], { alpha: float(Number(act.attrs?.slope ?? 0.01)) });
      return;
    case 'elu':
      c.g.node('Elu', [x], [outName], { alpha: float(Number(act.attrs?.alpha ?? 1)) });
      return;
    default:
      throw new OnnxUnsupportedError(`fused activation '${act.op}' has no ONNX form here`, c.op);
  }
}

/** A node with a fused activation: the main node writes a temporary, the activation the output (or the main node writes the output directly). */
function withActivation(c: ExportContext, opType: string, inputs: string[], attrs: Record<string, AttrValue | undefined>): void {
  const act = c.attrs.activation as { op: string } | null | undefined;
  const out = c.output(0);
  if (act == null) {
    c.g.node(opType, inputs, [out], attrs);
    return;
  }
  activation(c, c.g.node1(opType, inputs, attrs), act, out);
}

const unary = (opType: string): Exporter => (c) => void c.g.node(opType, [c.input(0)], [c.output(0)]);
const binary = (opType: string): Exporter => (c) => void c.g.node(opType, [c.input(0), c.input(1)], [c.output(0)]);

/** Axes as an attribute (opset < 18, < 13 for ReduceSum) or as an input. */
function reduce(opType: string, inputFromOpset: number): Exporter {
  return (c) => {
    const { axes, keepdim } = c.attrs as { axes: number[]; keepdim: boolean };
    const rank = c.inputs[0]!.rank;
    if (opType === 'ReduceMean' && keepdim && rank === 4 && axes.length === 2 && axes.map((a) => (a + rank) % rank).sort().join() === '2,3') {
      c.g.node('GlobalAveragePool', [c.input(0)], [c.output(0)]);
      return;
    }
    const keep = { keepdims: int(keepdim ? 1 : 0) };
    if (c.opset >= inputFromOpset) c.g.node(opType, [c.input(0), c.g.int64(`${opType}.axes`, axes)], [c.output(0)], keep);
    else c.g.node(opType, [c.input(0)], [c.output(0)], { axes: ints(axes), ...keep });
  };
}

/** A reshape's target, with the batch axis left to the input (0) when it passes through. */
function reshapeTarget(c: ExportContext, from: readonly number[], to: readonly number[]): number[] {
  const target = [...to];
  if (c.dynamicBatch && from.length > 0 && to.length > 0 && from[0] === to[0]) target[0] = 0;
  return target;
}

const TRANSPOSE_LAST = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];

/** How each nn op is written, by op name. */
export const EXPORTERS: Record<string, Exporter> = {
  abs: unary('Abs'),
  exp: unary('Exp'),
  log: unary('Log'),
  neg: unary('Neg'),
  sqrt: unary('Sqrt'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  floor: unary('Floor'),
  ceil: unary('Ceil'),
  round: unary('Round'),
  sign: unary('Sign'),
  erf: unary('Erf'),
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  clone: unary('Identity'),
  logicalNot: unary('Not'),
  rsqrt: (c) => void c.g.node('Reciprocal', [c.g.node1('Sqrt', [c.input(0)])], [c.output(0)]),
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  eq: binary('Equal'),
  lt: binary('Less'),
  gt: binary('Greater'),
  le: binary('LessOrEqual'),
  ge: binary('GreaterOrEqual'),
  logicalAnd: binary('And'),
  logicalOr: binary('Or'),
  where: (c) => void c.g.node('Where', [c.input(0), c.input(1), c.input(2)], [c.output(0)]),
  leakyRelu: (c) => void c.g.node('LeakyRelu', [c.input(0)], [c.output(0)], { alpha: float(c.attrs.slope as number) }),
  elu: (c) => void c.g.node('Elu', [c.input(0)], [c.output(0)], { alpha: float(c.attrs.alpha as number) }),
  softmax: (c) => void c.g.node('Softmax', [c.input(0)], [c.output(0)], { axis: int(c.attrs.axis as number) }),
  logSoftmax: (c) => void c.g.node('LogSoftmax', [c.input(0)], [c.output(0)], { axis: int(c.attrs.axis as number) }),
  cast: (c) => void c.g.node('Cast', [c.input(0)], [c.output(0)], { to: int(onnxType(c.outputs[0]!.dtype)) }),
  mean: reduce('ReduceMean', 18),
  sum: reduce('ReduceSum', 13),
  max: reduce('ReduceMax', 18),
  min: reduce('ReduceMin', 18),
  argmax: (c) => void c.g.node('ArgMax', [c.input(0)], [c.output(0)], { axis: int(c.attrs.axis as number), keepdims: int(c.attrs.keepdim ? 1 : 0) }),
  reshape: (c) => void c.g.node('Reshape', [c.input(0), c.g.int64('shape', reshapeTarget(c, c.inputs[0]!.shape, c.outputs[0]!.shape))], [c.output(0)]),
  transpose: (c) => void c.g.node('Transpose', [c.input(0)], [c.output(0)], { perm: ints(c.attrs.perm as number[]) }),
  broadcastTo: (c) => void c.g.node('Expand', [c.input(0), c.g.int64('shape', c.outputs[0]!.shape)], [c.output(0)]),
  concat: (c) => void c.g.node('Concat', c.inputs.map((_, i) => c.input(i)), [c.output(0)], { axis: int(c.attrs.axis as number) }),
  stack: (c) => {
    const axis = c.attrs.axis as number;
    const parts = c.inputs.map((_, i) => c.g.node1('Unsqueeze', [c.input(i), c.g.int64('axes', [axis])]));
    c.g.node('Concat', parts, [c.output(0)], { axis: int(axis) });
  },
  split: (c) => {
    const { sizes, axis } = c.attrs as { sizes: number[]; axis: number };
    c.g.node('Split', [c.input(0), c.g.int64('split', sizes)], c.outputs.map((_, i) => c.output(i)), { axis: int(axis) });
  },
  gather: (c) => void c.g.node('Gather', [c.input(0), c.input(1)], [c.output(0)], { axis: int(c.attrs.axis as number) }),
  slice: (c) => {
    const { begin, end, step } = c.attrs as { begin: number[]; end: number[]; step: number[] };
    const shape = c.inputs[0]!.shape;
    // Axes taken whole are left out, so that a dynamic batch axis stays free.
    const axes = begin.flatMap((b, i) => (b === 0 && end[i] === shape[i] && step[i] === 1 ? [] : [i]));
    if (axes.length === 0) {
      c.g.node('Identity', [c.input(0)], [c.output(0)]);
      return;
    }
    c.g.node('Slice', [c.input(0), c.g.int64('starts', axes.map((a) => begin[a]!)), c.g.int64('ends', axes.map((a) => end[a]!)), c.g.int64('axes', axes), c.g.int64('steps', axes.map((a) => step[a]!))], [c.output(0)]);
  },
  pad: (c) => {
    const { pads: p, value } = c.attrs as { pads: [number, number][]; value: number };
    const x = c.inputs[0]!;
    const padsName = c.g.int64('pads', [...p.map((q) => q[0]), ...p.map((q) => q[1])]);
    c.g.node('Pad', [c.input(0), padsName, c.g.scalar('pad_value', value, onnxType(x.dtype))], [c.output(0)], { mode: { string: 'constant' } });
  },
  matmul: (c) => {
    const { transposeA, transposeB } = c.attrs as { transposeA: boolean; transposeB: boolean };
    const side = (i: number, t: boolean) => (t ? c.g.node1('Transpose', [c.input(i)], { perm: ints(TRANSPOSE_LAST(c.inputs[i]!.rank)) }) : c.input(i));
    c.g.node('MatMul', [side(0, transposeA), side(1, transposeB)], [c.output(0)]);
  },
  fusedLinear: (c) => {
    if (c.inputs[0]!.rank === 2) {
      withActivation(c, 'Gemm', [c.input(0), c.input(1), c.input(2)], { transB: int(1) });
      return;
    }
    const wT = c.g.node1('Transpose', [c.input(1)], { perm: ints([1, 0]) });
    const y = c.g.node1('MatMul', [c.input(0), wT]);
    withActivation(c, 'Add', [y, c.input(2)], {});
  },
  conv2d: (c) => void c.g.node('Conv', [c.input(0), c.input(1)], [c.output(0)], convAttrs(c)),
  fusedConv2d: (c) => withActivation(c, 'Conv', [c.input(0), c.input(1), c.input(2)], convAttrs(c)),
  convTranspose2d: (c) => {
    const a = c.attrs as { outputPadding: number[] };
    c.g.node('ConvTranspose', [c.input(0), c.input(1)], [c.output(0)], { ...convAttrs(c), output_padding: ints(a.outputPadding) });
  },
  maxPool2d: (c) => {
    const a = c.attrs as { kernel: number[]; stride: number[]; padding: number[]; dilation: number[]; ceilMode: boolean };
    // Without indices (an inference trace) the node has one output.
    const withIndices = c.outputs.length > 1;
    if (withIndices) c.pools.set(c.outputs[1]!, { input: c.inputs[0]!, attrs: c.attrs });
    const dilated = a.dilation.some((d) => d !== 1);
    c.g.node('MaxPool', [c.input(0)], withIndices ? [c.output(0), c.output(1)] : [c.output(0)], {
      kernel_shape: ints(a.kernel),
      strides: ints(a.stride),
      pads: ints(pads(a.padding)),
      ceil_mode: int(a.ceilMode ? 1 : 0),
      dilations: dilated ? ints(a.dilation) : undefined,
    });
  },
  avgPool2d: (c) => {
    const a = c.attrs as { kernel: number[]; stride: number[]; padding: number[]; ceilMode: boolean; countIncludePad: boolean };
    c.g.node('AveragePool', [c.input(0)], [c.output(0)], {
      kernel_shape: ints(a.kernel),
      strides: ints(a.stride),
      pads: ints(pads(a.padding)),
      ceil_mode: int(a.ceilMode ? 1 : 0),
      count_include_pad: int(a.countIncludePad ? 1 : 0),
    });
  },
  maxUnpool2d: (c) => {
    const pool = c.pools.get(c.inputs[1]!);
    if (pool === undefined) throw new OnnxUnsupportedError('the indices do not come from a traced maxPool2d; ONNX MaxUnpool needs the pooling that made them', 'maxUnpool2d');
    const a = pool.attrs as { kernel: number[]; stride: number[]; padding: number[] };
    const [H, W] = c.attrs.outputSize as [number, number];
    const source = pool.input.shape;
    // The unpooled size is the pooling input's, read at run time so that the batch axis stays free.
    const outputShape = source[2] === H && source[3] === W ? c.g.node1('Shape', [c.g.read(pool.input, 'pool_input')]) : c.g.int64('output_shape', c.outputs[0]!.shape);
    c.g.node('MaxUnpool', [c.input(0), c.input(1), outputShape], [c.output(0)], { kernel_shape: ints(a.kernel), strides: ints(a.stride), pads: ints(pads(a.padding)) });
  },
  localResponseNorm: (c) => {
    const { size, alpha, beta, k } = c.attrs as { size: number; alpha: number; beta: number; k: number };
    c.g.node('LRN', [c.input(0)], [c.output(0)], { size: int(size), alpha: float(alpha), beta: float(beta), bias: float(k) });
  },
  interpolate: (c) => {
    const { size, scaleFactors, mode, alignCorners } = c.attrs as { size: [number, number]; scaleFactors: [number, number] | null; mode: 'nearest' | 'bilinear'; alignCorners: boolean };
    const x = c.input(0);
    // PyTorch's conventions in ONNX's words: nearest is floor(i / scale)
    // ('asymmetric', 'floor'); bilinear is half-pixel with negative source
    // coordinates clamped ('pytorch_half_pixel'), or 'align_corners'.
    const attrs: Record<string, AttrValue> = mode === 'nearest'
      ? { mode: { string: 'nearest' }, coordinate_transformation_mode: { string: 'asymmetric' }, nearest_mode: { string: 'floor' } }
      : { mode: { string: 'linear' }, coordinate_transformation_mode: { string: alignCorners ? 'align_corners' : 'pytorch_half_pixel' } };
    if (scaleFactors) {
      // Given factors set the coordinate scale (PyTorch without recompute_scale_factor) and the size, floor(in · factor).
      const scales = c.g.read(tensor([1, 1, scaleFactors[0], scaleFactors[1]]), 'scales');
      c.g.node('Resize', [x, '', scales], [c.output(0)], attrs);
      return;
    }
    // Sizes [N, C, H', W'], N and C read at run time so that the batch axis stays free.
    const leading = c.g.node1('Slice', [c.g.node1('Shape', [x]), c.g.int64('starts', [0]), c.g.int64('ends', [2])]);
    const sizes = c.g.node1('Concat', [leading, c.g.int64('spatial_size', size)], { axis: int(0) });
    c.g.node('Resize', [x, '', '', sizes], [c.output(0)], attrs);
  },
};

function convAttrs(c: ExportContext): Record<string, AttrValue> {
  const a = c.attrs as { stride: number[]; padding: number[]; dilation: number[]; groups: number };
  const w = c.inputs[1]!.shape;
  return { kernel_shape: ints([w[2]!, w[3]!]), strides: ints(a.stride), pads: ints(pads(a.padding)), dilations: ints(a.dilation), group: int(a.groups) };
}

/**
 * True for ops that ONNX writes differently enough that their composite is
 * the better export: LRN with an even window (ONNX centres it the other way).
 */
export function exportsAsComposite(op: string, attrs: Attrs): boolean {
  return op === 'localResponseNorm' && (attrs.size as number) % 2 === 0;
}

/** The ONNX form of each exported op, for the README's table (a test keeps it in step with {@link EXPORTERS}). */
export const EXPORT_FORMS: Record<string, string> = {
  abs: 'Abs', exp: 'Exp', log: 'Log', neg: 'Neg', sqrt: 'Sqrt', sin: 'Sin', cos: 'Cos', floor: 'Floor', ceil: 'Ceil', round: 'Round', sign: 'Sign', erf: 'Erf',
  relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', clone: 'Identity', logicalNot: 'Not', rsqrt: 'Sqrt, Reciprocal',
  add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', pow: 'Pow', maximum: 'Max', minimum: 'Min', eq: 'Equal', lt: 'Less', gt: 'Greater', le: 'LessOrEqual', ge: 'GreaterOrEqual',
  logicalAnd: 'And', logicalOr: 'Or', where: 'Where', leakyRelu: 'LeakyRelu', elu: 'Elu', softmax: 'Softmax', logSoftmax: 'LogSoftmax', cast: 'Cast',
  mean: 'ReduceMean (GlobalAveragePool over H, W)', sum: 'ReduceSum', max: 'ReduceMax', min: 'ReduceMin', argmax: 'ArgMax',
  reshape: 'Reshape (batch axis kept free)', transpose: 'Transpose', broadcastTo: 'Expand', concat: 'Concat', stack: 'Unsqueeze, Concat', split: 'Split', gather: 'Gather',
  slice: 'Slice (whole axes left out)', pad: 'Pad', matmul: 'MatMul (Transpose where transposed)', fusedLinear: 'Gemm transB (MatMul, Add above rank 2), activation',
  conv2d: 'Conv', fusedConv2d: 'Conv with bias, activation', convTranspose2d: 'ConvTranspose', maxPool2d: 'MaxPool (Indices when read)', avgPool2d: 'AveragePool',
  maxUnpool2d: 'MaxUnpool (output_shape from Shape of the pooling input)', localResponseNorm: 'LRN (odd sizes; even sizes through the composite)',
  interpolate: 'Resize (nearest asymmetric floor; linear pytorch_half_pixel or align_corners)',
};
