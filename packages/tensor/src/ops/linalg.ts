/**
 * Matrix multiplication with NumPy semantics.
 * @module
 */
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './layout.js';
import { promotePair } from './run.js';

/** Attributes of the `matmul` primitive. */
export interface MatmulAttrs {
  [key: string]: unknown;
  /** Use the transpose of a's last two dims. */
  transposeA: boolean;
  /** Use the transpose of b's last two dims. */
  transposeB: boolean;
}

/** The linear-algebra primitives. */
export const linalgOps = {
  matmul: defineOp<MatmulAttrs>({
  name: 'matmul',
  inputs: ['a', 'b'],
  infer([a, b], { transposeA, transposeB }) {
    if (a!.shape.length < 2 || b!.shape.length < 2) {
      throw new ShapeError(`the primitive needs inputs of rank >= 2, got a ${fmtShape(a!.shape)} and b ${fmtShape(b!.shape)}`, 'matmul');
    }
    if (a!.dtype !== b!.dtype || a!.dtype === 'bool') {
      throw new DTypeError(`inputs must share a numeric dtype: a is ${a!.dtype}, b is ${b!.dtype}`, 'matmul');
    }
    const ra = a!.shape.length, rb = b!.shape.length;
    const [m, ka] = transposeA ? [a!.shape[ra - 1]!, a!.shape[ra - 2]!] : [a!.shape[ra - 2]!, a!.shape[ra - 1]!];
    const [kb, n] = transposeB ? [b!.shape[rb - 1]!, b!.shape[rb - 2]!] : [b!.shape[rb - 2]!, b!.shape[rb - 1]!];
    if (ka !== kb) {
      const ta = transposeA ? ' (transposed)' : '', tb = transposeB ? ' (transposed)' : '';
      throw new ShapeError(`inner dimensions differ: a is ${fmtShape(a!.shape)}${ta}, b is ${fmtShape(b!.shape)}${tb}`, 'matmul');
    }
    const batch = broadcastShapes('matmul', [a!.shape.slice(0, -2), b!.shape.slice(0, -2)], ['a batch dims', 'b batch dims']);
    return [{ shape: [...batch, m, n], dtype: a!.dtype }];
  },
  }),
};

/** Descriptors of the linear-algebra ops. */
export const linalgOpDefs: OpDef[] = Object.values(linalgOps);

/**
 * Matrix product with NumPy semantics: 2-D x 2-D is a matrix product; a 1-D
 * operand is a vector (its dim is removed from the result); leading dims are
 * batch dims and broadcast.
 */
export function matmul(a: Tensor, b: Tensor, options: { transposeA?: boolean; transposeB?: boolean } = {}): Tensor {
  [a, b] = promotePair(a, b, 'matmul');
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(`both operands need at least one dim: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`, 'matmul');
  }
  if (a.rank === 1 && b.rank === 1 && a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`inner dimensions differ: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`, 'matmul');
  }
  const vecA = a.rank === 1, vecB = b.rank === 1;
  const a2 = vecA ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = vecB ? reshape(b, [b.shape[0]!, 1]) : b;
  const out = linalgOps.matmul.run1([a2, b2], { transposeA: !!options.transposeA, transposeB: !!options.transposeB });
  if (!vecA && !vecB) return out;
  const shape = [...out.shape];
  if (vecB) shape.pop();
  if (vecA) shape.splice(shape.length - (vecB ? 1 : 2), 1);
  return reshape(out, shape);
}
