/**
 * Elementwise ops: unary math, binary arithmetic with broadcasting,
 * comparisons, logic and `where`.
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { type DType, isFloat } from '../dtype.js';
import { DTypeError, fmtShape } from '../errors.js';
import type { OpDef } from '../registry.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { getEngine } from '../context.js';
import { castTo, promotePair, run1, scalarOf, tensorArg, toFloat } from './run.js';

/** Unary ops that need a float input (integers are cast to float32 by the front-end). */
export const FLOAT_UNARY_OPS = ['exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid'] as const;
/** Unary ops that keep the input's numeric dtype. */
export const NUMERIC_UNARY_OPS = ['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round'] as const;
/** Every unary primitive. */
export const UNARY_OPS = [...FLOAT_UNARY_OPS, ...NUMERIC_UNARY_OPS, 'logicalNot'] as const;
/** Name of a unary primitive. */
export type UnaryOp = (typeof UNARY_OPS)[number];

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

function unaryDef(name: UnaryOp): OpDef {
  const floatOnly = (FLOAT_UNARY_OPS as readonly string[]).includes(name);
  const boolOnly = name === 'logicalNot';
  return {
    name,
    inputs: ['x'],
    nondifferentiable: boolOnly,
    infer([x]) {
      if (floatOnly) checkDType(name, 'x', x!, isFloat, 'float32 or float64');
      else if (boolOnly) checkDType(name, 'x', x!, (d) => d === 'bool', 'bool');
      else checkDType(name, 'x', x!, (d) => d !== 'bool', 'a numeric dtype');
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
  };
}

function binaryDef(name: BinaryOp): OpDef {
  const logical = (LOGICAL_OPS as readonly string[]).includes(name);
  const compare = (COMPARE_OPS as readonly string[]).includes(name);
  return {
    name,
    inputs: ['a', 'b'],
    nondifferentiable: logical || compare,
    infer([a, b]) {
      if (a!.dtype !== b!.dtype) {
        throw new DTypeError(`inputs have different dtypes: a is ${a!.dtype} ${fmtShape(a!.shape)}, b is ${b!.dtype} ${fmtShape(b!.shape)}`, name);
      }
      if (logical) checkDType(name, 'a', a!, (d) => d === 'bool', 'bool');
      else if (!compare) checkDType(name, 'a', a!, (d) => d !== 'bool', 'a numeric dtype');
      const shape = broadcastShapes(name, [a!.shape, b!.shape], ['a', 'b']);
      return [{ shape, dtype: logical || compare ? 'bool' : a!.dtype }];
    },
  };
}

const whereDef: OpDef = {
  name: 'where',
  inputs: ['condition', 'a', 'b'],
  infer([c, a, b]) {
    checkDType('where', 'condition', c!, (d) => d === 'bool', 'bool');
    if (a!.dtype !== b!.dtype) throw new DTypeError(`a is ${a!.dtype} but b is ${b!.dtype}`, 'where');
    return [{ shape: broadcastShapes('where', [c!.shape, a!.shape, b!.shape], ['condition', 'a', 'b']), dtype: a!.dtype }];
  },
};

/** Descriptors of every elementwise primitive. */
export const elementwiseOpDefs: OpDef[] = [...UNARY_OPS.map(unaryDef), ...BINARY_OPS.map(binaryDef), whereDef];

const unary = (op: UnaryOp) => (x: Tensor) => run1(op, [x]);
const floatUnary = (op: UnaryOp) => (x: Tensor) => run1(op, [toFloat(tensorArg(x, op))]);
const numericUnary = (op: UnaryOp) => (x: Tensor) => run1(op, [tensorArg(x, op).dtype === 'bool' ? castTo(x, 'int32') : x]);
const arithmetic = (op: BinaryOp) => (a: TensorLike, b: TensorLike) => {
  let [x, y] = promotePair(a, b, op);
  if (x.dtype === 'bool') [x, y] = [castTo(x, 'int32'), castTo(y, 'int32')];
  return run1(op, [x, y]);
};
const compare = (op: BinaryOp) => (a: TensorLike, b: TensorLike) => run1(op, promotePair(a, b, op));
const logical = (op: BinaryOp) => (a: TensorLike, b: TensorLike) => {
  const [x, y] = promotePair(a, b, op);
  return run1(op, [castTo(x, 'bool'), castTo(y, 'bool')]);
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
  return run1('div', [toFloat(x), toFloat(y)]);
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
  return run1('where', [castTo(condition, 'bool'), x, y]);
}

/** A scalar tensor (float32 unless `dtype` says otherwise). */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return scalarOf(value, dtype);
}
