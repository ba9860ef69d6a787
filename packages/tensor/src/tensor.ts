/**
 * The `Tensor` class: an immutable n-dimensional array on a backend.
 * @module
 */
import type { DType, TypedArray } from './dtype.js';
import type { DataRef, Engine } from './engine.js';
import { NNError, ValueError } from './errors.js';
import { formatTensor } from './format.js';
import type { Shape } from './shape.js';
import { sizeOf } from './shape.js';
import * as ops from './ops/index.js';

/** Marks tensors of any copy of @nn/tensor, so that mixing two copies is reported clearly. */
export const TENSOR_BRAND: unique symbol = Symbol.for('@nn/tensor.Tensor') as never;

/** A nested array of numbers or booleans, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/** A tensor or a plain number, where ops accept a scalar in place of a tensor. */
export type TensorLike = Tensor | number;

/** A slicing spec for {@link Tensor.index}: an index (drops the dim), `null` (all), or `[start, end?, step?]`. */
export type IndexSpec = number | null | readonly [number | null, (number | null)?, number?];

let nextId = 0;

/**
 * An immutable n-dimensional array. Every op returns a new tensor. Tensors
 * hold backend memory: release it with `dispose()`, a `using` declaration or
 * a `tidy()` scope; a tensor that is garbage collected is released too.
 *
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]]);
 * a.matmul(a).add(1).toArray(); // [[8, 11], [16, 23]]
 * ```
 */
export class Tensor {
  /** The size of each dimension. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** A process-unique id, handy when debugging graphs. */
  readonly id: number;
  /** @internal The engine that made this tensor. */
  readonly engine: Engine;
  /** @internal Storage; undefined once disposed. */
  dataRef: DataRef | undefined;
  /** @internal Exempt from scope disposal (see `keep`). */
  kept = false;
  /** @internal True while the engine's finalisation safety net watches this tensor (tensors inside `tidy` need none until they escape it). */
  finalizable = false;
  /** @internal Autograd's record of the op that produced this tensor. */
  gradNode: unknown = undefined;
  /** @internal Set through `requiresGrad`. */
  private requiresGradFlag = false;
  /**
   * The accumulated gradient after `backward()` (PyTorch style), or null.
   * Set by @nn/autograd for tensors with `requiresGrad`.
   */
  grad: Tensor | null = null;

  /** @internal Tensors are made by ops and creation functions, not with `new`. */
  constructor(engine: Engine, ref: DataRef, shape: Shape, dtype: DType) {
    this.engine = engine;
    this.dataRef = ref;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.id = nextId++;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once `dispose()` ran (directly or through a scope). */
  get isDisposed(): boolean {
    return this.dataRef === undefined;
  }

  /** The name of the backend holding the data. */
  get backend(): string {
    return this.engine.refOf(this, 'backend', 'tensor').backend.name;
  }

  /**
   * Whether autograd tracks ops on this tensor so that `backward()` fills its
   * `grad`. Setting it needs @nn/autograd installed (any of its functions
   * installs it, or `installAutograd()`).
   */
  get requiresGrad(): boolean {
    return this.requiresGradFlag;
  }
  set requiresGrad(value: boolean) {
    if (value && this.engine.gradHook === undefined) {
      throw new NNError(
        'requiresGrad: autograd is not installed; call installAutograd() or requiresGrad(t) from @nn/autograd first',
      );
    }
    this.requiresGradFlag = value;
  }

  /**
   * Computes the gradient of this tensor (a scalar, unless `gradient` is
   * given) with respect to every tensor with `requiresGrad` that it depends
   * on, accumulating into their `grad`. Needs @nn/autograd.
   */
  backward(gradient?: Tensor): void {
    const hook = this.engine.gradHook;
    if (hook === undefined) {
      throw new NNError('backward: autograd is not installed; call installAutograd() from @nn/autograd first');
    }
    hook.backward(this, gradient);
  }

  // ------------------------------------------------------------------ data

  /** A copy of the data as a typed array, synchronously. */
  dataSync(): TypedArray {
    return this.engine.readSync(this).slice() as TypedArray;
  }

  /** A copy of the data as a typed array. */
  async data(): Promise<TypedArray> {
    return (await this.engine.read(this)).slice() as TypedArray;
  }

  /**
   * The data as nested arrays (booleans for `bool`), as deep as the rank.
   * The rank is known only at run time, so name the nesting with the type
   * argument and use the result as it is, with no cast:
   *
   * @example
   * ```ts
   * const rows = tensor([[1, 2], [3, 4]]).toArray<number[][]>();
   * rows[1][0]; // 3
   * const v = tensor([1, 2, 3]).toArray<number[]>().map((x) => x * 2); // [2, 4, 6]
   * ```
   */
  toArray<T extends NestedArray = NestedArray>(): T {
    const values = this.engine.readSync(this);
    const isBool = this.dtype === 'bool';
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return isBool ? values[offset] !== 0 : values[offset]!;
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0) as T;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ValueError(`item: the tensor has ${this.size} elements (shape [${this.shape.join(',')}]); item() needs exactly one`);
    return this.engine.readSync(this)[0]!;
  }

  /**
   * Replaces this tensor's data with `value`'s (same shape and dtype), in
   * place. Tensors are otherwise immutable; this is for parameters and
   * optimizer state, updated under `noGrad`. Returns `this`.
   */
  assign(value: Tensor): this {
    this.engine.assign(this, value);
    return this;
  }

  /** Releases the tensor's memory. Using it afterwards raises `DisposedTensorError`. */
  dispose(): void {
    this.engine.disposeTensor(this);
  }

  /** Disposes the tensor at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Prints the values like PyTorch: `tensor([[1., 2.], [3., 4.]])`, truncated when large. */
  toString(): string {
    if (this.isDisposed) return `tensor(<disposed>, shape=[${this.shape.join(',')}], dtype=${this.dtype})`;
    return formatTensor(this.engine.readSync(this), this.shape, this.dtype);
  }

  // ------------------------------------------------------------ arithmetic

  /** Elementwise `this + other`, broadcasting. */
  add(other: TensorLike): Tensor { return ops.add(this, other); }
  /** Elementwise `this - other`, broadcasting. */
  sub(other: TensorLike): Tensor { return ops.sub(this, other); }
  /** Elementwise `this * other`, broadcasting. */
  mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  /** Elementwise true division, broadcasting (integers divide as floats). */
  div(other: TensorLike): Tensor { return ops.div(this, other); }
  /** Elementwise `this ** exponent`, broadcasting. */
  pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  /** Elementwise maximum, broadcasting. */
  maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  /** Elementwise minimum, broadcasting. */
  minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  /** `-this`. */
  neg(): Tensor { return ops.neg(this); }
  /** `|this|`. */
  abs(): Tensor { return ops.abs(this); }
  /** -1, 0 or 1 by sign. */
  sign(): Tensor { return ops.sign(this); }
  /** e^x. */
  exp(): Tensor { return ops.exp(this); }
  /** Natural logarithm. */
  log(): Tensor { return ops.log(this); }
  /** Square root. */
  sqrt(): Tensor { return ops.sqrt(this); }
  /** 1 / sqrt(x). */
  rsqrt(): Tensor { return ops.rsqrt(this); }
  /** x². */
  square(): Tensor { return ops.square(this); }
  /** Sine. */
  sin(): Tensor { return ops.sin(this); }
  /** Cosine. */
  cos(): Tensor { return ops.cos(this); }
  /** Hyperbolic tangent. */
  tanh(): Tensor { return ops.tanh(this); }
  /** Logistic sigmoid 1 / (1 + e^-x). */
  sigmoid(): Tensor { return ops.sigmoid(this); }
  /** max(x, 0). */
  relu(): Tensor { return ops.relu(this); }
  /** Round down. */
  floor(): Tensor { return ops.floor(this); }
  /** Round up. */
  ceil(): Tensor { return ops.ceil(this); }
  /** Round half to even, as PyTorch and NumPy do. */
  round(): Tensor { return ops.round(this); }

  // ------------------------------------------------------------ comparison

  /** Elementwise `==` (bool result). */
  eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  /** Elementwise `!=` (bool result). */
  ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  /** Elementwise `<` (bool result). */
  lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  /** Elementwise `<=` (bool result). */
  le(other: TensorLike): Tensor { return ops.le(this, other); }
  /** Elementwise `>` (bool result). */
  gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  /** Elementwise `>=` (bool result). */
  ge(other: TensorLike): Tensor { return ops.ge(this, other); }
  /** Logical and (inputs are cast to bool). */
  logicalAnd(other: TensorLike): Tensor { return ops.logicalAnd(this, other); }
  /** Logical or (inputs are cast to bool). */
  logicalOr(other: TensorLike): Tensor { return ops.logicalOr(this, other); }
  /** Logical not (input is cast to bool). */
  logicalNot(): Tensor { return ops.logicalNot(this); }
  /** `this` where `condition` holds, else `other` (PyTorch's `Tensor.where`). */
  where(condition: Tensor, other: TensorLike): Tensor { return ops.where(condition, this, other); }

  // ------------------------------------------------------------- reduction

  /** Sum over `axis` (all axes when omitted). */
  sum(axis?: number | number[], keepdim = false): Tensor { return ops.sum(this, axis, keepdim); }
  /** Mean over `axis` (all axes when omitted). */
  mean(axis?: number | number[], keepdim = false): Tensor { return ops.mean(this, axis, keepdim); }
  /** Maximum over `axis` (all axes when omitted). */
  max(axis?: number | number[], keepdim = false): Tensor { return ops.max(this, axis, keepdim); }
  /** Minimum over `axis` (all axes when omitted). */
  min(axis?: number | number[], keepdim = false): Tensor { return ops.min(this, axis, keepdim); }
  /** Product over `axis` (all axes when omitted). */
  prod(axis?: number | number[], keepdim = false): Tensor { return ops.prod(this, axis, keepdim); }
  /** Index of the maximum along `axis` (of the flattened tensor when omitted). */
  argmax(axis?: number, keepdim = false): Tensor { return ops.argmax(this, axis, keepdim); }
  /** Index of the minimum along `axis` (of the flattened tensor when omitted). */
  argmin(axis?: number, keepdim = false): Tensor { return ops.argmin(this, axis, keepdim); }
  /** log(sum(exp(x))) over `axis`, computed stably. */
  logsumexp(axis?: number | number[], keepdim = false): Tensor { return ops.logsumexp(this, axis, keepdim); }
  /** Running sum along `axis` (PyTorch's `cumsum`). */
  cumsum(axis: number): Tensor { return ops.cumsum(this, axis); }
  /** Running product along `axis` (PyTorch's `cumprod`). */
  cumprod(axis: number): Tensor { return ops.cumprod(this, axis); }

  // ----------------------------------------------------------- linear algebra

  /** Matrix product with NumPy semantics (1-D operands, batched and broadcast batch dims). */
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }

  // ------------------------------------------------------------------ layout

  /** The same data with another shape; one dimension may be -1. */
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  /** Flattens dims `startDim..endDim` into one. */
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  /** Removes size-1 dims (only `axis` when given). */
  squeeze(axis?: number | number[]): Tensor { return ops.squeeze(this, axis); }
  /** Inserts a size-1 dim at `axis`. */
  unsqueeze(axis: number): Tensor { return ops.unsqueeze(this, axis); }
  /** Swaps two dims (the last two when omitted). */
  transpose(dim0?: number, dim1?: number): Tensor { return ops.transpose(this, dim0, dim1); }
  /** Reorders dims: output dim i is input dim `dims[i]`. */
  permute(dims: readonly number[]): Tensor { return ops.permute(this, dims); }
  /** Broadcasts to `shape` (a copy, as tensors are immutable). */
  broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  /**
   * Slices with Python semantics per axis: `x.slice(begin, end, step)` is
   * `x[begin[0]:end[0]:step[0], begin[1]:end[1]:step[1], ...]`. `begin` and
   * `end` are start and stop positions (not a start and a size, as
   * `tf.slice` takes), `end` is exclusive, negative positions count from
   * the end, `null` or a missing entry keeps the whole dim, and bounds are
   * clamped. For mixed picking and slicing, {@link Tensor.index} reads like
   * `x[0, 1:3]`.
   *
   * @example
   * ```ts
   * const x = arange(12).reshape([3, 4]);
   * x.slice([1], [3]);             // rows 1 and 2: x[1:3]
   * x.slice([0, 1], [null, -1]);   // x[:, 1:-1], shape [3, 2]
   * x.slice([0, 0], [null, null], [2, 2]); // x[::2, ::2], shape [2, 2]
   * ```
   */
  slice(begin: readonly number[], end?: readonly (number | null)[], step?: readonly number[]): Tensor { return ops.slice(this, begin, end, step); }
  /** Indexes like `x[0, 1:3, :]`: a number selects (dropping the dim), null keeps all, `[start, end, step]` slices. */
  index(...specs: IndexSpec[]): Tensor { return ops.index(this, ...specs); }
  /** Splits along `axis` into chunks of `splitSize` (the last may be smaller) or of the given sizes. */
  split(splitSize: number | readonly number[], axis = 0): Tensor[] { return ops.split(this, splitSize, axis); }
  /** Pads with a constant; `pads[i]` is `[before, after]` for dim i. */
  pad(pads: readonly (readonly [number, number])[], value = 0): Tensor { return ops.pad(this, pads, value); }
  /** Picks slices along `axis` at `indices` (any rank), like `tf.gather`. */
  gather(indices: Tensor | readonly number[], axis = 0): Tensor { return ops.gather(this, indices, axis); }
  /** Picks entries along `axis` at a 1-D list of indices, like `torch.index_select`. */
  indexSelect(axis: number, indices: Tensor | readonly number[]): Tensor { return ops.indexSelect(this, axis, indices); }
  /** Adds `updates` into a copy of this tensor at `indices` along `axis` (the adjoint of `gather`). */
  scatterAdd(indices: Tensor | readonly number[], updates: Tensor, axis = 0): Tensor { return ops.scatterAdd(this, indices, updates, axis); }
  /** One-hot encoding of integer class indices. */
  oneHot(depth: number): Tensor { return ops.oneHot(this, depth); }
  /** Converts to another dtype. */
  cast(dtype: DType): Tensor { return ops.cast(this, dtype); }
  /** A copy with its own storage. */
  clone(): Tensor { return ops.clone(this); }
}

// Lets a second copy of @nn/tensor recognise our tensors and report the mix-up.
Object.defineProperty(Tensor.prototype, TENSOR_BRAND, { value: true });
