/**
 * Cumulative sums and products along an axis (PyTorch's `cumsum`,
 * `cumprod`), as composites: a log-depth scan (Hillis and Steele) of
 * shifted adds or multiplies, so they run on every backend and are
 * differentiable with no rule of their own (zeros included, where the
 * quotient formula for cumprod's gradient breaks). A backend may register a
 * one-pass kernel for either.
 * @module
 */
import { DTypeError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './elementwise.js';
import { pad, slice } from './layout.js';
import { tensorArg } from './run.js';

/** Attributes of `cumsum` and `cumprod`. */
export interface ScanAttrs {
  [key: string]: unknown;
  axis: number;
}

/** x shifted by `by` along `axis`, the first `by` entries filled with `fill`. */
function shifted(x: Tensor, axis: number, by: number, fill: number): Tensor {
  const d = x.shape[axis]!;
  const head = slice(x, x.shape.map((_, i) => (i === axis ? 0 : null)), x.shape.map((s, i) => (i === axis ? d - by : s)));
  return pad(head, x.shape.map((_, i) => (i === axis ? [by, 0] : [0, 0]) as [number, number]), fill);
}

function scanOp(name: 'cumsum' | 'cumprod') {
  const identity = name === 'cumsum' ? 0 : 1;
  return defineOp<ScanAttrs>({
    name,
    inputs: ['x'],
    infer([x], { axis }) {
      if (x!.dtype === 'bool') throw new DTypeError(`argument 'x' (shape [${x!.shape.join(',')}]) is bool; cast it to a number dtype first`, name);
      normalizeAxis(axis, x!.shape, name);
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
    composite([x], { axis }) {
      // chosen here, not when the descriptor is made: `add` may not exist yet while the op modules load
      const combine = name === 'cumsum' ? add : mul;
      let y = x!;
      for (let by = 1; by < x!.shape[axis]!; by *= 2) y = combine(y, shifted(y, axis, by, identity));
      return [y];
    },
  });
}

/** The scan composites. */
export const scanOps = { cumsum: scanOp('cumsum'), cumprod: scanOp('cumprod') };

/** Descriptors of the scan ops. */
export const scanOpDefs: OpDef[] = Object.values(scanOps);

/** Running sum along `axis`: y_i = x_0 + ... + x_i (PyTorch's `cumsum`). */
export function cumsum(x: Tensor, axis: number): Tensor {
  tensorArg(x, 'cumsum');
  return scanOps.cumsum.run1([x], { axis: normalizeAxis(axis, x.shape, 'cumsum') });
}

/** Running product along `axis`: y_i = x_0 · ... · x_i (PyTorch's `cumprod`); its gradient is exact at zeros. */
export function cumprod(x: Tensor, axis: number): Tensor {
  tensorArg(x, 'cumprod');
  return scanOps.cumprod.run1([x], { axis: normalizeAxis(axis, x.shape, 'cumprod') });
}
