/**
 * Creating tensors from data and by formula.
 * @module
 */
import { allocArray, convertArray, type DType, dtypeOfArray, checkDType, type TypedArray } from '../dtype.js';
import { ShapeError, ValueError } from '../errors.js';
import { checkShape, sizeOf } from '../shape.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { getEngine } from '../context.js';
import { fromTypedArray } from './run.js';

/** Anything `tensor()` accepts as data. */
export type TensorData = NestedArray | ArrayLike<number> | ArrayBufferView;

/** The shape of a nested array; throws a ShapeError naming the path where it is ragged. */
function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = data;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedArray;
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: readonly number[], dim: number, out: number[], path: number[]): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) throw new ShapeError(`ragged nested array: element at [${path.join(',')}] is an array, expected a value`, 'tensor');
    if (typeof data !== 'number' && typeof data !== 'boolean') throw new ValueError(`element at [${path.join(',')}] is ${typeof data}, expected a number or boolean`, 'tensor');
    out.push(Number(data));
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    const got = Array.isArray(data) ? `${data.length} entries` : 'a value';
    throw new ShapeError(`ragged nested array: at [${path.join(',')}] found ${got}, expected ${shape[dim]} entries`, 'tensor');
  }
  for (let i = 0; i < data.length; i++) {
    path.push(i);
    flattenInto(data[i] as NestedArray, shape, dim + 1, out, path);
    path.pop();
  }
}

function firstLeaf(data: NestedArray): unknown {
  let v: unknown = data;
  while (Array.isArray(v) && v.length > 0) v = v[0];
  return v;
}

/**
 * Creates a tensor from nested arrays, a typed array or a number. The shape
 * is inferred from the nesting unless given; the dtype from the data
 * (booleans give `bool`, Int32Array gives `int32`, Float64Array `float64`,
 * anything else `float32`) unless given.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);            // float32 [2,2]
 * tensor(new Int32Array([1, 2, 3]));   // int32 [3]
 * tensor([1, 2, 3, 4], [2, 2], 'int32');
 * ```
 */
export function tensor(data: TensorData, shape?: readonly number[], dtype?: DType): Tensor {
  if (dtype !== undefined) checkDType(dtype, 'tensor');
  let values: ArrayLike<number>;
  let inferred: number[];
  let dataDType: DType;
  if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView) throw new ValueError('a DataView is not accepted; pass a typed array', 'tensor');
    values = data as unknown as ArrayLike<number>;
    inferred = [values.length];
    dataDType = dtypeOfArray(data) ?? 'float32';
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    values = [Number(data)];
    inferred = [];
    dataDType = typeof data === 'boolean' ? 'bool' : 'float32';
  } else if (Array.isArray(data)) {
    inferred = inferShape(data);
    const flat: number[] = [];
    flattenInto(data, inferred, 0, flat, []);
    values = flat;
    dataDType = typeof firstLeaf(data) === 'boolean' ? 'bool' : 'float32';
  } else {
    throw new ValueError(`cannot make a tensor from ${typeof data}`, 'tensor');
  }
  const finalShape = shape === undefined ? inferred : checkShape(shape, 'tensor');
  if (sizeOf(finalShape) !== values.length) {
    throw new ShapeError(`shape [${finalShape.join(',')}] needs ${sizeOf(finalShape)} values, got ${values.length}`, 'tensor');
  }
  const finalDType = dtype ?? dataDType;
  return fromTypedArray(convertArray(values, finalDType), finalShape, finalDType);
}

/**
 * A tensor whose values `writer` writes into the array it is given (zeros
 * to start with; `bool` as a `Uint8Array` of 0 and 1): on a backend with memory of its own (wasm) that array is the
 * tensor's storage, so large data computed on the host (pixels decoded from
 * a file) is not built in a host array and then copied. `writer` must only
 * write the array: a tensor op inside it may move the backend's memory.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array([0, 51, 255]);
 * tensorFrom([3], 'float32', (values) => { for (let i = 0; i < 3; i++) values[i] = bytes[i]! / 255; });
 * ```
 */
export function tensorFrom(shape: readonly number[], dtype: DType, writer: (values: TypedArray) => void): Tensor {
  const s = checkShape(shape, 'tensorFrom');
  checkDType(dtype, 'tensorFrom');
  if (typeof writer !== 'function') throw new ValueError(`writer must be a function, got ${typeof writer}`, 'tensorFrom');
  const engine = getEngine();
  const backend = engine.backend();
  if (backend.writeWith !== undefined) return engine.makeTensor(backend, backend.writeWith(dtype, sizeOf(s), writer), s, dtype);
  const values = allocArray(dtype, sizeOf(s));
  writer(values);
  return fromTypedArray(values, s, dtype);
}

/** A constant tensor, filled in the backend's own memory where it can (no host array to copy). */
function filled(shape: number[], dtype: DType, value: number): Tensor {
  const engine = getEngine();
  const backend = engine.backend();
  if (backend.fill !== undefined) return engine.makeTensor(backend, backend.fill(dtype, sizeOf(shape), value), shape, dtype);
  const values = allocArray(dtype, sizeOf(shape));
  if (value !== 0) values.fill(value);
  return fromTypedArray(values, shape, dtype);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number | boolean, dtype: DType = typeof value === 'boolean' ? 'bool' : 'float32'): Tensor {
  const s = checkShape(shape, 'full');
  checkDType(dtype, 'full');
  return filled(s, dtype, Number(value));
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  const s = checkShape(shape, 'zeros');
  checkDType(dtype, 'zeros');
  return filled(s, dtype, 0);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

/** Zeros with the shape (and dtype, unless given) of `x`. */
export function zerosLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return zeros(x.shape, dtype);
}

/** Ones with the shape (and dtype, unless given) of `x`. */
export function onesLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return ones(x.shape, dtype);
}

/** `value` with the shape (and dtype, unless given) of `x`. */
export function fullLike(x: Tensor, value: number, dtype: DType = x.dtype): Tensor {
  return full(x.shape, value, dtype);
}

/**
 * Evenly spaced values in [start, end) by `step`: `arange(5)`, `arange(2, 8)`,
 * `arange(0, 1, 0.25)`. Integer arguments give int32, others float32.
 */
export function arange(start: number, end?: number, step = 1, dtype?: DType): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`step must be a non-zero finite number, got ${step}`, 'arange');
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ValueError(`start and end must be finite, got ${start} and ${end}`, 'arange');
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkShape([n], 'arange', 'length');
  const dt = checkDType(dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32'), 'arange');
  const values = allocArray(dt, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromTypedArray(values, [n], dt);
}

/** `steps` evenly spaced values from `start` to `end`, both included. */
export function linspace(start: number, end: number, steps: number, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`steps must be a non-negative integer, got ${steps}`, 'linspace');
  checkShape([steps], 'linspace', 'steps');
  checkDType(dtype, 'linspace');
  const values = allocArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) values[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return fromTypedArray(values, [steps], dtype);
}

/** The identity matrix, `n` x `m` (square when `m` is omitted). */
export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  const s = checkShape([n, m], 'eye');
  checkDType(dtype, 'eye');
  const values = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromTypedArray(values, s, dtype);
}
