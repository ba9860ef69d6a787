/**
 * Gathering and scattering by index: gather / indexSelect, scatterAdd, oneHot.
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { castTo, fromTypedArray, tensorArg } from './run.js';

function checkIndices(op: string, indices: TensorMeta): void {
  if (indices.dtype !== 'int32') throw new DTypeError(`indices (shape ${fmtShape(indices.shape)}) must be int32, got ${indices.dtype}`, op);
}

/** The shape `gather` produces: x's dims with dim `axis` replaced by the indices' dims. */
function gatheredShape(x: readonly number[], indices: readonly number[], axis: number): number[] {
  return [...x.slice(0, axis), ...indices, ...x.slice(axis + 1)];
}

const gatherOp = defineOp<{ axis: number }>({
  name: 'gather',
  inputs: ['x', 'indices'],
  infer([x, indices], { axis }) {
    checkIndices('gather', indices!);
    if (x!.shape.length === 0) throw new ShapeError(`x is a scalar (shape []); gather needs at least one dim to index`, 'gather');
    const ax = normalizeAxis(axis, x!.shape, 'gather');
    return [{ shape: gatheredShape(x!.shape, indices!.shape, ax), dtype: x!.dtype }];
  },
});

const scatterAddOp = defineOp<{ axis: number }>({
  name: 'scatterAdd',
  inputs: ['x', 'indices', 'updates'],
  infer([x, indices, updates], { axis }) {
    checkIndices('scatterAdd', indices!);
    if (x!.shape.length === 0) throw new ShapeError(`x is a scalar (shape []); scatterAdd needs at least one dim to index`, 'scatterAdd');
    const ax = normalizeAxis(axis, x!.shape, 'scatterAdd');
    const want = gatheredShape(x!.shape, indices!.shape, ax);
    if (want.length !== updates!.shape.length || want.some((d, i) => d !== updates!.shape[i])) {
      throw new ShapeError(`updates has shape ${fmtShape(updates!.shape)}, expected ${fmtShape(want)} for x ${fmtShape(x!.shape)}, indices ${fmtShape(indices!.shape)}, axis ${ax}`, 'scatterAdd');
    }
    if (updates!.dtype !== x!.dtype) throw new DTypeError(`updates is ${updates!.dtype} but x is ${x!.dtype}`, 'scatterAdd');
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
});

const oneHotOp = defineOp<{ depth: number }>({
  name: 'oneHot',
  inputs: ['indices'],
  nondifferentiable: true,
  infer([indices], { depth }) {
    checkIndices('oneHot', indices!);
    if (!Number.isInteger(depth) || depth < 1) throw new ValueError(`depth ${depth} must be a positive integer`, 'oneHot');
    return [{ shape: [...indices!.shape, depth], dtype: 'float32' }];
  },
});

/** The indexing primitives. */
export const indexingOps = { gather: gatherOp, scatterAdd: scatterAddOp, oneHot: oneHotOp };

/** Descriptors of these ops. */
export const indexingOpDefs: OpDef[] = Object.values(indexingOps);

function toIndices(indices: Tensor | readonly number[]): Tensor {
  if (indices instanceof Tensor) return castTo(indices, 'int32');
  return fromTypedArray(Int32Array.from(indices), [indices.length], 'int32');
}

/**
 * Picks slices of `x` along `axis` at `indices` (any rank; negative indices
 * count from the end), like `tf.gather`: the result's shape is x's with dim
 * `axis` replaced by the indices' shape. Out-of-range indices are an error.
 */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  tensorArg(x, 'gather');
  return indexingOps.gather.run1([x, toIndices(indices)], { axis: normalizeAxis(axis, x.shape, 'gather') });
}

/** Picks entries along `axis` at a 1-D list of indices, like `torch.index_select`. */
export function indexSelect(x: Tensor, axis: number, indices: Tensor | readonly number[]): Tensor {
  const idx = toIndices(indices);
  if (idx.rank !== 1) throw new ShapeError(`indices must be 1-D, got shape ${fmtShape(idx.shape)}`, 'indexSelect');
  return gather(x, idx, axis);
}

/**
 * Adds `updates` into a copy of `x` at `indices` along `axis`; repeated
 * indices accumulate. The adjoint of {@link gather}: `updates` has the shape
 * `gather(x, indices, axis)` would have.
 */
export function scatterAdd(x: Tensor, indices: Tensor | readonly number[], updates: Tensor, axis = 0): Tensor {
  tensorArg(x, 'scatterAdd');
  tensorArg(updates, 'scatterAdd', 'updates');
  return indexingOps.scatterAdd.run1([x, toIndices(indices), castTo(updates, x.dtype)], { axis: normalizeAxis(axis, x.shape, 'scatterAdd') });
}

/** One-hot float32 encoding of integer class indices: shape `[...indices.shape, depth]`. */
export function oneHot(indices: Tensor | readonly number[], depth: number): Tensor {
  return indexingOps.oneHot.run1([toIndices(indices)], { depth });
}
