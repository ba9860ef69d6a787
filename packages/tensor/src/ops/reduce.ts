/**
 * Reductions over axes: sum, prod, max, min, argmax, argmin, and the
 * composites mean and logsumexp.
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { catalogOf, defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { abs, add, div, eq, exp, log, sub, where } from './elementwise.js';
import { castTo, tensorArg, toFloat } from './run.js';

/** Reduction primitives taking an axis list. */
export const REDUCE_OPS = ['sum', 'prod', 'max', 'min'] as const;
/** Name of a reduction primitive. */
export type ReduceOp = (typeof REDUCE_OPS)[number];

/** Attributes of a reduction over several axes. */
export interface ReduceAttrs {
  [key: string]: unknown;
  /** Reduced axes, non-negative and sorted. */
  axes: number[];
  keepdim: boolean;
}

/** Attributes of argmax/argmin. */
export interface ArgReduceAttrs {
  [key: string]: unknown;
  axis: number;
  keepdim: boolean;
}

/** The shape left after reducing `axes` of `shape`. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

function checkNumeric(op: string, x: TensorMeta): void {
  if (x.dtype === 'bool') throw new DTypeError(`argument 'x' (shape ${fmtShape(x.shape)}) is bool; cast it to a numeric dtype first`, op);
}

function reduceOp(name: ReduceOp) {
  return defineOp<ReduceAttrs>({
    name,
    inputs: ['x'],
    infer([x], { axes, keepdim }) {
      checkNumeric(name, x!);
      const norm = normalizeAxes(axes, x!.shape, name);
      if ((name === 'max' || name === 'min') && norm.some((a) => x!.shape[a] === 0)) {
        throw new ShapeError(`cannot reduce an empty dimension (shape ${fmtShape(x!.shape)}, axes [${norm.join(',')}])`, name);
      }
      return [{ shape: reducedShape(x!.shape, norm, keepdim), dtype: x!.dtype }];
    },
  });
}

function argReduceOp(name: 'argmax' | 'argmin') {
  return defineOp<ArgReduceAttrs>({
    name,
    inputs: ['x'],
    nondifferentiable: true,
    infer([x], { axis, keepdim }) {
      checkNumeric(name, x!);
      const a = normalizeAxis(axis, x!.shape, name);
      if (x!.shape[a] === 0) throw new ShapeError(`cannot take the ${name} of an empty dimension (shape ${fmtShape(x!.shape)}, axis ${a})`, name);
      return [{ shape: reducedShape(x!.shape, [a], keepdim), dtype: 'int32' }];
    },
  });
}

const meanInfer: OpDef<ReduceAttrs>['infer'] = ([x], { axes, keepdim }) => {
  if (x!.dtype !== 'float32' && x!.dtype !== 'float64') throw new DTypeError(`argument 'x' has dtype ${x!.dtype}, expected a float dtype`, 'mean');
  return [{ shape: reducedShape(x!.shape, normalizeAxes(axes, x!.shape, 'mean'), keepdim), dtype: x!.dtype }];
};

/** The reduction primitives. */
export const reduceOps = {
  ...catalogOf(REDUCE_OPS, reduceOp),
  argmax: argReduceOp('argmax'),
  argmin: argReduceOp('argmin'),
};

/** The reduction composites. */
export const reduceComposites = {
  mean: defineOp<ReduceAttrs>({
    name: 'mean',
    inputs: ['x'],
    infer: meanInfer,
    composite([x], { axes, keepdim }) {
      const count = axes.reduce((n, a) => n * x!.shape[a]!, 1);
      return [div(reduceOps.sum.run1([x!], { axes, keepdim }), count)];
    },
  }),
  logsumexp: defineOp<ReduceAttrs>({
    name: 'logsumexp',
    inputs: ['x'],
    infer: meanInfer,
    composite([x], { axes, keepdim }) {
      // Shift by the max so exp never overflows; the shift is exact in the result.
      // An infinite max shifts by 0 (as PyTorch does), so all −∞ gives −∞, not −∞ − −∞ = NaN.
      const max = reduceOps.max.run1([x!], { axes, keepdim: true });
      const m = where(eq(abs(max), Infinity), 0, max);
      const shifted = log(reduceOps.sum.run1([exp(sub(x!, m))], { axes, keepdim: true }));
      const out = add(shifted, m);
      return [keepdim ? out : out.reshape(reducedShape(x!.shape, axes, false))];
    },
  }),
};

/** Descriptors of the reduction ops. */
export const reduceOpDefs: OpDef[] = [...Object.values(reduceOps), ...Object.values(reduceComposites)];

const reduce = (op: ReduceOp) => (x: Tensor, axis?: number | number[], keepdim = false): Tensor => {
  tensorArg(x, op);
  const input = x.dtype === 'bool' ? castTo(x, 'int32') : x;
  return reduceOps[op].run1([input], { axes: normalizeAxes(axis, x.shape, op), keepdim });
};

/** Sum over `axis` (all axes when omitted); bool counts as int32. */
export const sum = reduce('sum');
/** Product over `axis` (all axes when omitted). */
export const prod = reduce('prod');
/** Maximum over `axis` (all axes when omitted); NaN propagates. */
export const max = reduce('max');
/** Minimum over `axis` (all axes when omitted); NaN propagates. */
export const min = reduce('min');

/** Mean over `axis` (all axes when omitted); integers average as float32. */
export function mean(x: Tensor, axis?: number | number[], keepdim = false): Tensor {
  tensorArg(x, 'mean');
  return reduceComposites.mean.run1([toFloat(x)], { axes: normalizeAxes(axis, x.shape, 'mean'), keepdim });
}

/** log(sum(exp(x))) over `axis`, stable for large inputs. */
export function logsumexp(x: Tensor, axis?: number | number[], keepdim = false): Tensor {
  tensorArg(x, 'logsumexp');
  return reduceComposites.logsumexp.run1([toFloat(x)], { axes: normalizeAxes(axis, x.shape, 'logsumexp'), keepdim });
}

const argReduce = (op: 'argmax' | 'argmin') => (x: Tensor, axis?: number, keepdim = false): Tensor => {
  tensorArg(x, op);
  const input = x.dtype === 'bool' ? castTo(x, 'int32') : x;
  if (axis === undefined) return reduceOps[op].run1([input.reshape([-1])], { axis: 0, keepdim: false });
  return reduceOps[op].run1([input], { axis: normalizeAxis(axis, x.shape, op), keepdim });
};

/** Index (int32) of the maximum along `axis`; of the flattened tensor when omitted. First index wins ties. */
export const argmax = argReduce('argmax');
/** Index (int32) of the minimum along `axis`; of the flattened tensor when omitted. First index wins ties. */
export const argmin = argReduce('argmin');
