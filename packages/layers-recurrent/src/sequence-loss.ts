/**
 * Losses over time, and truncated back-propagation through time.
 * @module
 */
import { detach } from '@nn/autograd';
import { logSoftmax } from '@nn/layers-core';
import { fmtShape, ShapeError, type Tensor, ValueError } from '@nn/tensor';

/**
 * Sequence cross-entropy, the chapter's L = −Σ_t log p_{y_t}: logits
 * [T, N, C] (or [N, T, C]) against int32 targets [T, N] (or [N, T]), with an
 * optional mask [T, N] (1 for real steps, 0 for padding). `reduction`:
 * 'sum' (the chapter's sum over steps and sequences), 'mean' (per real
 * step) or 'none' ([T, N]).
 */
export function sequenceCrossEntropy(logits: Tensor, targets: Tensor, { mask, reduction = 'mean' }: { mask?: Tensor; reduction?: 'sum' | 'mean' | 'none' } = {}): Tensor {
  if (logits.rank !== 3 || targets.rank !== 2 || logits.shape[0] !== targets.shape[0] || logits.shape[1] !== targets.shape[1]) {
    throw new ShapeError(`logits ${fmtShape(logits.shape)} must be [T, N, C] with targets [T, N], got targets ${fmtShape(targets.shape)}`, 'sequenceCrossEntropy');
  }
  if (mask && fmtShape(mask.shape) !== fmtShape(targets.shape)) throw new ShapeError(`mask ${fmtShape(mask.shape)} must match targets ${fmtShape(targets.shape)}`, 'sequenceCrossEntropy');
  const C = logits.shape[2]!;
  const ids = targets.cast('int32');
  const values = ids.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < 0 || values[i]! >= C) throw new ValueError(`target ${values[i]} at position ${i} is outside [0, ${C})`, 'sequenceCrossEntropy');
  }
  let nll = logSoftmax(logits, 2).mul(ids.oneHot(C).cast(logits.dtype)).sum(2).neg(); // [T, N]
  if (mask) nll = nll.mul(mask.cast(logits.dtype));
  if (reduction === 'none') return nll;
  if (reduction === 'sum') return nll.sum();
  return nll.sum().div(mask ? Math.max(1, mask.cast('float32').sum().item()) : nll.size);
}

/**
 * Cuts a recurrent state from the graph, for truncated BPTT: run a chunk,
 * back-propagate, then carry `detachState(state)` into the next chunk, so
 * gradients stop at the chunk boundary while the state flows on.
 */
export function detachState<T extends Record<string, Tensor | undefined>>(state: T): T {
  const out: Record<string, Tensor | undefined> = {};
  for (const [k, v] of Object.entries(state)) out[k] = v === undefined ? undefined : detach(v);
  return out as T;
}
