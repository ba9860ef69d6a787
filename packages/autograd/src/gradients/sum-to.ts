/**
 * Reducing a broadcast gradient back to an input's shape.
 * @module
 */
import { type Tensor } from '@nn/tensor';

/**
 * Sums `g` over the dims along which an input of `shape` was broadcast, so
 * the gradient has the input's shape again.
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? g.sum(axes, true) : g;
  return summed.reshape(shape);
}

/** Reshapes a reduced gradient to keepdim form and broadcasts it over the input's shape. */
export function unreduce(dy: Tensor, inputShape: readonly number[], axes: readonly number[]): Tensor {
  const kept = inputShape.map((d, i) => (axes.includes(i) ? 1 : d));
  return dy.reshape(kept).broadcastTo(inputShape);
}
