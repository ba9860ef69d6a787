/**
 * Data types and the typed arrays that hold them.
 * @module
 */
import { DTypeError } from './errors.js';

/** The element types a tensor can hold. `float64` is meant for the `cpu` backend (gradient checks). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed arrays behind tensors: one per {@link DType} (`bool` is stored as `Uint8Array`). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** All dtypes, in promotion order (lowest first). */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** True for `float32` and `float64`. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Checks that a string names a dtype, throwing a {@link DTypeError} otherwise. */
export function checkDType(dtype: string, where: string): DType {
  if (!(dtype in RANK)) {
    throw new DTypeError(`unknown dtype '${dtype}' (expected one of ${DTYPES.join(', ')})`, where);
  }
  return dtype as DType;
}

/** The dtype both operands of a binary op are promoted to, as in PyTorch and NumPy. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Allocates a zeroed typed array for `size` elements of `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Bytes per element of a dtype. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}

/** The dtype whose storage a typed array is, or undefined for other arrays. */
export function dtypeOfArray(values: unknown): DType | undefined {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  return undefined;
}

/** Copies `values` into a new array of `dtype`, converting as `cast` does (bool: non-zero is true). */
export function convertArray(values: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i]!);
  } else {
    (out as Float32Array).set(values);
  }
  return out;
}
