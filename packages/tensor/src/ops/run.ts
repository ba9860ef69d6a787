/**
 * Helpers shared by the op front-ends: running an op, turning numbers into
 * tensors, promoting dtypes.
 * @module
 */
import { getEngine } from '../context.js';
import { allocArray, type DType, isFloat, promoteTypes, type TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { layoutOps } from './layout.js';

/**
 * Checks that an op's argument is a live tensor of this core before the
 * front-end reads its shape, so mistakes are reported under the op's name.
 */
export function tensorArg(x: Tensor, op: string, arg = 'x'): Tensor {
  getEngine().refOf(x, op, arg);
  return x;
}

/** Wraps a typed array (taking ownership) as a tensor on the active backend. */
export function fromTypedArray(values: TypedArray, shape: Shape, dtype: DType): Tensor {
  const engine = getEngine();
  const backend = engine.backend();
  return engine.makeTensor(backend, backend.write(values, dtype, shape), shape, dtype);
}

/** A scalar tensor. */
export function scalarOf(value: number, dtype: DType): Tensor {
  const a = allocArray(dtype, 1);
  a[0] = dtype === 'bool' ? (value ? 1 : 0) : value;
  return fromTypedArray(a, [], dtype);
}

/**
 * The dtype a plain number takes next to a tensor of `dtype`: numbers are
 * "weak", as in PyTorch: they adopt the tensor's dtype unless they need a
 * float and the tensor is integral.
 */
export function scalarDType(value: number, dtype: DType): DType {
  if (isFloat(dtype)) return dtype;
  return Number.isInteger(value) ? (dtype === 'bool' ? 'int32' : dtype) : 'float32';
}

/** Turns the operands of a binary op into two tensors of one promoted dtype. */
export function promotePair(a: TensorLike, b: TensorLike, op: string, names: readonly [string, string] = ['a', 'b']): [Tensor, Tensor] {
  // Check before promoting, so a bad operand is reported under the op's name.
  if (typeof a !== 'number') getEngine().refOf(a, op, names[0]);
  if (typeof b !== 'number') getEngine().refOf(b, op, names[1]);
  if (typeof a === 'number' && typeof b === 'number') return [scalarOf(a, 'float32'), scalarOf(b, 'float32')];
  if (typeof a === 'number') a = scalarOf(a, scalarDType(a, (b as Tensor).dtype));
  if (typeof b === 'number') b = scalarOf(b, scalarDType(b, a.dtype));
  const dtype = promoteTypes(a.dtype, b.dtype);
  return [castTo(a, dtype), castTo(b, dtype)];
}

/** `x` cast to `dtype` (the same tensor when it already has it). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : layoutOps.cast.run1([x], { dtype });
}

/** Casts integer and bool tensors to float32, leaving float ones alone. */
export function toFloat(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : castTo(x, 'float32');
}

/** Accepts a tensor or a number (as a float32 scalar). */
export function asTensor(x: TensorLike): Tensor {
  return typeof x === 'number' ? scalarOf(x, 'float32') : x;
}
