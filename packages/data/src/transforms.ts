/**
 * Normalisation of inputs.
 * @module
 */
import { type Tensor, tensor, tidy, ValueError } from '@nn/tensor';

/**
 * (x − mean) / std. Scalars apply to every element; arrays apply per
 * channel (dim 1 of an `[N, C, ...]` batch), as torchvision's `Normalize`.
 */
export function normalize(x: Tensor, mean: number | readonly number[], std: number | readonly number[]): Tensor {
  const asArray = (v: number | readonly number[]) => (typeof v === 'number' ? [v] : [...v]);
  const m = asArray(mean), s = asArray(std);
  if (m.length !== s.length) throw new ValueError(`mean has ${m.length} entries but std has ${s.length}`, 'normalize');
  if (s.some((v) => !(v > 0))) throw new ValueError(`std must be positive, got [${s.join(', ')}]`, 'normalize');
  if (m.length > 1 && (x.rank < 2 || x.shape[1] !== m.length)) throw new ValueError(`${m.length} channel statistics for input of shape [${x.shape.join(',')}] (channels are dim 1)`, 'normalize');
  // In a scope, so that the intermediate x − mean (as large as the data) is freed at once, not when GC runs.
  return tidy(() => {
    if (m.length === 1) return x.sub(m[0]!).div(s[0]!);
    const shape = [1, m.length, ...x.shape.slice(2).map(() => 1)];
    return x.sub(tensor(m, shape)).div(tensor(s, shape));
  });
}

/** Per-channel mean and standard deviation of an `[N, C, ...]` batch (or overall for other ranks). */
export function channelStats(x: Tensor): { mean: number[]; std: number[] } {
  const axes = x.rank >= 2 ? [0, ...x.shape.slice(2).map((_, i) => i + 2)] : undefined;
  const mean = x.mean(axes, true);
  const std = x.sub(mean).square().mean(axes).sqrt();
  return { mean: Array.from(mean.dataSync()), std: Array.from(std.dataSync()) };
}
