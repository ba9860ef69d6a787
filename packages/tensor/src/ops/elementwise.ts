/**
 * Elementwise ops: unary math, binary arithmetic with broadcasting,
 * comparisons, logic and `where`.
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { type DType, isFloat } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { catalogOf, defineOp, type OpHandle } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { getEngine } from '../context.js';
import { castTo, promotePair, scalarOf, tensorArg, toFloat } from './run.js';

/** Unary primitives that need a float input (integers are cast to float32 by the front-end). */
export const FLOAT_UNARY_OPS = ['exp', 'log', 'sqrt', 'sin', 'cos'] as const;
/** Unary primitives that keep the input's numeric dtype. */
export const NUMERIC_UNARY_OPS = ['neg', 'abs', 'sign', 'floor', 'ceil', 'round'] as const;
/** Every unary primitive. */
export const UNARY_OPS = [...FLOAT_UNARY_OPS, ...NUMERIC_UNARY_OPS, 'logicalNot'] as const;
/** Name of a unary primitive. */
export type UnaryOp = (typeof UNARY_OPS)[number];
/**
 * Unary composites: written in the primitives, so every backend runs them,
 * and given fused kernels (cpu, wasm) and gradient rules of their own.
 */
export const UNARY_COMPOSITE_OPS = ['relu', 'sigmoid', 'tanh', 'rsqrt'] as const;
/** Name of a unary composite. */
export type UnaryCompositeOp = (typeof UNARY_COMPOSITE_OPS)[number];

/** Binary arithmetic primitives: both inputs share a dtype, and so does the output. */
export const ARITHMETIC_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
/** Comparison primitives: bool output. */
export const COMPARE_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
/** Logical primitives over bool inputs. */
export const LOGICAL_OPS = ['logicalAnd', 'logicalOr'] as const;
/** Every binary primitive. */
export const BINARY_OPS = [...ARITHMETIC_OPS, ...COMPARE_OPS, ...LOGICAL_OPS] as const;
/** Name of a binary primitive. */
export type BinaryOp = (typeof BINARY_OPS)[number];

function checkDType(op: string, arg: string, m: TensorMeta, ok: (d: DType) => boolean, want: string): void {
  if (!ok(m.dtype)) throw new DTypeError(`argument '${arg}' (shape ${fmtShape(m.shape)}) has dtype ${m.dtype}, expected ${want}`, op);
}

function unaryInfer(name: string, kind: 'float' | 'numeric' | 'bool'): OpDef['infer'] {
  return ([x]) => {
    if (kind === 'float') checkDType(name, 'x', x!, isFloat, 'float32 or float64');
    else if (kind === 'bool') checkDType(name, 'x', x!, (d) => d === 'bool', 'bool');
    else checkDType(name, 'x', x!, (d) => d !== 'bool', 'a numeric dtype');
    return [{ shape: x!.shape, dtype: x!.dtype }];
  };
}

function binaryInfer(name: BinaryOp, kind: 'arithmetic' | 'compare' | 'logical'): OpDef['infer'] {
  return ([a, b]) => {
    if (a!.dtype !== b!.dtype) {
      throw new DTypeError(`inputs have different dtypes: a is ${a!.dtype} ${fmtShape(a!.shape)}, b is ${b!.dtype} ${fmtShape(b!.shape)}`, name);
    }
    if (kind === 'logical') checkDType(name, 'a', a!, (d) => d === 'bool', 'bool');
    else if (kind === 'arithmetic') checkDType(name, 'a', a!, (d) => d !== 'bool', 'a numeric dtype');
    const shape = broadcastShapes(name, [a!.shape, b!.shape], ['a', 'b']);
    return [{ shape, dtype: kind === 'arithmetic' ? a!.dtype : 'bool' }];
  };
}

const unaryOp = (kind: 'float' | 'numeric') => (name: string) => defineOp({ name, inputs: ['x'], infer: unaryInfer(name, kind) });
const binaryOp = (name: ArithmeticOp) => defineOp({ name, inputs: ['a', 'b'], infer: binaryInfer(name, 'arithmetic') });
const predicateOp = (kind: 'compare' | 'logical') => (name: BinaryOp) => defineOp({ name, inputs: ['a', 'b'], nondifferentiable: true, infer: binaryInfer(name, kind) });

type ArithmeticOp = (typeof ARITHMETIC_OPS)[number];

/** The elementwise primitives. */
export const elementwiseOps = {
  ...catalogOf(FLOAT_UNARY_OPS, unaryOp('float')),
  ...catalogOf(NUMERIC_UNARY_OPS, unaryOp('numeric')),
  logicalNot: defineOp({ name: 'logicalNot', inputs: ['x'], nondifferentiable: true, infer: unaryInfer('logicalNot', 'bool') }),
  ...catalogOf(ARITHMETIC_OPS, binaryOp),
  ...catalogOf(COMPARE_OPS, predicateOp('compare')),
  ...catalogOf(LOGICAL_OPS, predicateOp('logical')),
  where: defineOp({
    name: 'where',
    inputs: ['condition', 'a', 'b'],
    infer([c, a, b]) {
      checkDType('where', 'condition', c!, (d) => d === 'bool', 'bool');
      if (a!.dtype !== b!.dtype) throw new DTypeError(`a is ${a!.dtype} but b is ${b!.dtype}`, 'where');
      return [{ shape: broadcastShapes('where', [c!.shape, a!.shape, b!.shape], ['condition', 'a', 'b']), dtype: a!.dtype }];
    },
  }),
};

const sigmoidOp = defineOp({
  name: 'sigmoid',
  inputs: ['x'],
  infer: unaryInfer('sigmoid', 'float'),
  // 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below: the exponent is never positive, so it never overflows.
  composite: ([x]) => {
    const { abs, neg, exp, add, div, where, ge } = elementwiseOps;
    const one = scalarOf(1, x!.dtype);
    const e = exp.run1([neg.run1([abs.run1([x!])])]);
    return [div.run1([where.run1([ge.run1([x!, scalarOf(0, x!.dtype)]), one, e]), add.run1([one, e])])];
  },
});

/**
 * The elementwise composites. Each is its formula in primitives, which is
 * what a backend without a kernel for it runs; cpu and wasm have fused kernels.
 */
export const elementwiseComposites = {
  relu: defineOp({ name: 'relu', inputs: ['x'], infer: unaryInfer('relu', 'numeric'), composite: ([x]) => [elementwiseOps.maximum.run1([x!, scalarOf(0, x!.dtype)])] }),
  sigmoid: sigmoidOp,
  tanh: defineOp({
    name: 'tanh',
    inputs: ['x'],
    infer: unaryInfer('tanh', 'float'),
    // tanh x = 2 sigmoid(2x) - 1
    composite: ([x]) => {
      const { mul, sub } = elementwiseOps;
      const s = sigmoidOp.run1([mul.run1([x!, scalarOf(2, x!.dtype)])]);
      return [sub.run1([mul.run1([s, scalarOf(2, x!.dtype)]), scalarOf(1, x!.dtype)])];
    },
  }),
  rsqrt: defineOp({ name: 'rsqrt', inputs: ['x'], infer: unaryInfer('rsqrt', 'float'), composite: ([x]) => [elementwiseOps.div.run1([scalarOf(1, x!.dtype), elementwiseOps.sqrt.run1([x!])])] }),
  /**
   * The gradient of relu: dy where x > 0, else 0 (PyTorch's
   * `threshold_backward`), one pass instead of a compare, a cast and a product.
   */
  reluBackward: defineOp({
    name: 'reluBackward',
    inputs: ['dy', 'x'],
    infer([dy, x]) {
      checkDType('reluBackward', 'dy', dy!, isFloat, 'float32 or float64');
      if (dy!.dtype !== x!.dtype) throw new DTypeError(`dy is ${dy!.dtype} but x is ${x!.dtype}`, 'reluBackward');
      if (dy!.shape.length !== x!.shape.length || dy!.shape.some((d, i) => d !== x!.shape[i])) {
        throw new ShapeError(`dy ${fmtShape(dy!.shape)} and x ${fmtShape(x!.shape)} must have the same shape`, 'reluBackward');
      }
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
    composite: ([dy, x]) => {
      const zero = scalarOf(0, x!.dtype);
      return [elementwiseOps.where.run1([elementwiseOps.gt.run1([x!, zero]), dy!, zero])];
    },
  }),
};

/** Descriptors of every elementwise op. */
export const elementwiseOpDefs: OpDef[] = [...Object.values(elementwiseOps), ...Object.values(elementwiseComposites)];

type UnaryName = UnaryOp | UnaryCompositeOp;
/** The handle of a unary op by name, primitive or composite (the front-ends and the cpu kernels look them up this way). */
export const unaryHandle = (op: UnaryOp | UnaryCompositeOp): OpHandle => (op in elementwiseOps ? elementwiseOps[op as UnaryOp] : elementwiseComposites[op as UnaryCompositeOp]);
const unary = (op: UnaryName) => (x: Tensor) => unaryHandle(op).run1([x]);
const floatUnary = (op: UnaryName) => (x: Tensor) => unaryHandle(op).run1([toFloat(tensorArg(x, op))]);
const numericUnary = (op: UnaryName) => (x: Tensor) => unaryHandle(op).run1([tensorArg(x, op).dtype === 'bool' ? castTo(x, 'int32') : x]);
const arithmetic = (op: ArithmeticOp) => (a: TensorLike, b: TensorLike) => {
  let [x, y] = promotePair(a, b, op);
  if (x.dtype === 'bool') [x, y] = [castTo(x, 'int32'), castTo(y, 'int32')];
  return elementwiseOps[op].run1([x, y]);
};
const compare = (op: (typeof COMPARE_OPS)[number]) => (a: TensorLike, b: TensorLike) => elementwiseOps[op].run1(promotePair(a, b, op));
const logical = (op: (typeof LOGICAL_OPS)[number]) => (a: TensorLike, b: TensorLike) => {
  const [x, y] = promotePair(a, b, op);
  return elementwiseOps[op].run1([castTo(x, 'bool'), castTo(y, 'bool')]);
};

/** Elementwise `a + b`, broadcasting. */
export const add = arithmetic('add');
/** Elementwise `a - b`, broadcasting. */
export const sub = arithmetic('sub');
/** Elementwise `a * b`, broadcasting. */
export const mul = arithmetic('mul');
/** Elementwise true division `a / b`, broadcasting; integers divide as float32. */
export const div = (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = promotePair(a, b, 'div');
  return elementwiseOps.div.run1([toFloat(x), toFloat(y)]);
};
/** Elementwise `a ** b`, broadcasting. */
export const pow = arithmetic('pow');
/** Elementwise maximum, broadcasting; NaN propagates. */
export const maximum = arithmetic('maximum');
/** Elementwise minimum, broadcasting; NaN propagates. */
export const minimum = arithmetic('minimum');

/** `-x`. */
export const neg = numericUnary('neg');
/** `|x|`. */
export const abs = numericUnary('abs');
/** -1, 0 or 1 by the sign of x (its gradient is zero almost everywhere). */
export const sign = numericUnary('sign');
/** max(x, 0). */
export const relu = numericUnary('relu');
/** Rounds down. */
export const floor = numericUnary('floor');
/** Rounds up. */
export const ceil = numericUnary('ceil');
/** Rounds half to even, as PyTorch and NumPy do. */
export const round = numericUnary('round');
/** e^x. */
export const exp = floatUnary('exp');
/** Natural logarithm. */
export const log = floatUnary('log');
/** Square root. */
export const sqrt = floatUnary('sqrt');
/** 1 / sqrt(x). */
export const rsqrt = floatUnary('rsqrt');
/** Sine. */
export const sin = floatUnary('sin');
/** Cosine. */
export const cos = floatUnary('cos');
/** Hyperbolic tangent. */
export const tanh = floatUnary('tanh');
/** Logistic sigmoid 1 / (1 + e^-x). */
export const sigmoid = floatUnary('sigmoid');
/** x * x. */
export const square = (x: Tensor): Tensor => mul(x, x);

/** Elementwise `a == b` (bool). */
export const eq = compare('eq');
/** Elementwise `a != b` (bool). */
export const ne = compare('ne');
/** Elementwise `a < b` (bool). */
export const lt = compare('lt');
/** Elementwise `a <= b` (bool). */
export const le = compare('le');
/** Elementwise `a > b` (bool). */
export const gt = compare('gt');
/** Elementwise `a >= b` (bool). */
export const ge = compare('ge');
/** Logical and; inputs are cast to bool. */
export const logicalAnd = logical('logicalAnd');
/** Logical or; inputs are cast to bool. */
export const logicalOr = logical('logicalOr');
/** Logical not; the input is cast to bool. */
export const logicalNot = (x: Tensor): Tensor => unary('logicalNot')(castTo(tensorArg(x, 'logicalNot'), 'bool'));

/** Picks `a` where `condition` is true and `b` elsewhere, broadcasting all three. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  getEngine().refOf(condition, 'where', 'condition');
  const [x, y] = promotePair(a, b, 'where');
  return elementwiseOps.where.run1([castTo(condition, 'bool'), x, y]);
}

/** A scalar tensor (float32 unless `dtype` says otherwise). */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return scalarOf(value, dtype);
}
