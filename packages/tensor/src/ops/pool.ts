/**
 * The pooling ops: max pooling with its indices (the "switches"), max
 * unpooling and its adjoint `spatialGather`, average pooling and its
 * adjoint. Their cpu kernels and gradients are in @nn/layers-conv.
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { isFloat } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import type { AvgPoolAttrs, MaxPoolAttrs } from './window-attrs.js';
import { checkRank4, windowShape } from './window-shape.js';

/** Attributes of `avgPool2dBackward`: the pooling's, and the shape of its input. */
export interface AvgPoolBackwardAttrs extends AvgPoolAttrs {
  inputShape: number[];
}

/** Attributes of `maxUnpool2d`. */
export interface MaxUnpoolAttrs {
  [key: string]: unknown;
  /** [H, W] of the unpooled planes. */
  outputSize: [number, number];
}

function checkFloatInput(op: string, x: TensorMeta): void {
  checkRank4(op, 'input', x.shape);
  if (!isFloat(x.dtype)) throw new DTypeError(`input (shape ${fmtShape(x.shape)}) must be float, got ${x.dtype}`, op);
}

function checkIndices(op: string, x: TensorMeta, indices: TensorMeta): void {
  if (indices.dtype !== 'int32') throw new DTypeError(`indices must be int32 (as maxPool2d returns them), got ${indices.dtype}`, op);
  if (fmtShape(indices.shape) !== fmtShape(x.shape)) {
    throw new ShapeError(`indices ${fmtShape(indices.shape)} do not match the input ${fmtShape(x.shape)}: they must come from the pooling that produced it`, op);
  }
}

const maxPoolOp = defineOp<MaxPoolAttrs>({
  name: 'maxPool2d',
  inputs: ['x'],
  infer([x], attrs) {
    checkFloatInput('maxPool2d', x!);
    const [OH, OW] = windowShape('maxPool2d', x!.shape, attrs, attrs.ceilMode);
    const shape = [x!.shape[0]!, x!.shape[1]!, OH, OW];
    return attrs.indices === false ? [{ shape, dtype: x!.dtype }] : [{ shape, dtype: x!.dtype }, { shape, dtype: 'int32' }];
  },
});

const avgPoolOp = defineOp<AvgPoolAttrs>({
  name: 'avgPool2d',
  inputs: ['x'],
  infer([x], attrs) {
    checkFloatInput('avgPool2d', x!);
    const [OH, OW] = windowShape('avgPool2d', x!.shape, attrs, attrs.ceilMode);
    return [{ shape: [x!.shape[0]!, x!.shape[1]!, OH, OW], dtype: x!.dtype }];
  },
});

const avgPoolBackwardOp = defineOp<AvgPoolBackwardAttrs>({
  name: 'avgPool2dBackward',
  inputs: ['dy'],
  infer([dy], attrs) {
    checkFloatInput('avgPool2dBackward', dy!);
    const [OH, OW] = windowShape('avgPool2dBackward', attrs.inputShape, attrs, attrs.ceilMode);
    if (dy!.shape[2] !== OH || dy!.shape[3] !== OW) throw new ShapeError(`dy ${fmtShape(dy!.shape)} does not match pooling ${fmtShape(attrs.inputShape)} to ${OH}x${OW}`, 'avgPool2dBackward');
    return [{ shape: [...attrs.inputShape], dtype: dy!.dtype }];
  },
});

/** Shape inference of the ops that put values back at pooling indices. */
function unpoolInfer(op: string): OpDef<MaxUnpoolAttrs>['infer'] {
  return ([x, indices], { outputSize }) => {
    checkFloatInput(op, x!);
    checkIndices(op, x!, indices!);
    if (outputSize.length !== 2 || outputSize.some((d) => !Number.isInteger(d) || d < 1)) throw new ValueError(`outputSize must be [H, W], got ${JSON.stringify(outputSize)}`, op);
    return [{ shape: [x!.shape[0]!, x!.shape[1]!, outputSize[0], outputSize[1]], dtype: x!.dtype }];
  };
}

/**
 * Max unpooling (PyTorch's `max_unpool2d`, ONNX's `MaxUnpool`): each value
 * written at its index, zeros elsewhere. Where overlapping windows share a
 * maximum, it is written once, not summed. Its gradient is a gather at the
 * indices (PyTorch's too): each input reads its position's cotangent, even
 * where two inputs were written to the same one.
 */
const maxUnpoolOp = defineOp<MaxUnpoolAttrs>({ name: 'maxUnpool2d', inputs: ['x', 'indices'], infer: unpoolInfer('maxUnpool2d') });

/**
 * Max pooling's gradient: each cotangent added at its window's maximum, so
 * a position that is the maximum of two overlapping windows gets both.
 */
const maxPoolBackwardOp = defineOp<MaxUnpoolAttrs>({ name: 'maxPool2dBackward', inputs: ['dy', 'indices'], infer: unpoolInfer('maxPool2dBackward') });

const spatialGatherOp = defineOp({
  name: 'spatialGather',
  inputs: ['x', 'indices'],
  infer([x, indices]) {
    checkFloatInput('spatialGather', x!);
    if (indices!.dtype !== 'int32' || indices!.shape.length !== 4 || indices!.shape[0] !== x!.shape[0] || indices!.shape[1] !== x!.shape[1]) {
      throw new ShapeError(`indices ${fmtShape(indices!.shape)} ${indices!.dtype} must be int32 [N, C, h, w] for input ${fmtShape(x!.shape)}`, 'spatialGather');
    }
    return [{ shape: [...indices!.shape], dtype: x!.dtype }];
  },
});

/** The pooling ops. */
export const poolOps = {
  maxPool2d: maxPoolOp,
  avgPool2d: avgPoolOp,
  avgPool2dBackward: avgPoolBackwardOp,
  maxPool2dBackward: maxPoolBackwardOp,
  maxUnpool2d: maxUnpoolOp,
  spatialGather: spatialGatherOp,
};

/** Descriptors of the pooling ops. */
export const poolOpDefs: OpDef[] = Object.values(poolOps);
