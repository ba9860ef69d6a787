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

/** Elements per chunk in {@link channelStats}: its temporaries stay this small, whatever the data's size. */
const STATS_CHUNK = 1 << 20;

/**
 * Per-channel mean and (population) standard deviation of an `[N, C, ...]`
 * batch, or overall for other ranks. Two passes over chunks of samples,
 * summed in float64: no temporary is larger than a chunk, so the statistics
 * of a data set as large as memory can be taken.
 */
export function channelStats(x: Tensor): { mean: number[]; std: number[] } {
  if (x.rank < 2) {
    return tidy(() => {
      const mean = x.mean();
      return { mean: [mean.item()], std: [x.sub(mean).square().mean().sqrt().item()] };
    });
  }
  const N = x.shape[0]!, C = x.shape[1]!;
  const axes = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
  const rows = Math.max(1, Math.floor(STATS_CHUNK / Math.max(1, x.size / N)));
  const count = x.size / C;
  /** Adds f(chunk) (a [C] tensor) over the chunks of samples. */
  const total = (f: (chunk: Tensor) => Tensor): Float64Array => {
    const acc = new Float64Array(C);
    for (let b = 0; b < N; b += rows) {
      const part = tidy(() => f(x.slice([b], [Math.min(N, b + rows)])).dataSync());
      for (let c = 0; c < C; c++) acc[c]! += part[c]!;
    }
    return acc;
  };
  const mean = Array.from(total((chunk) => chunk.sum(axes)), (s) => s / count);
  const meanShape = [1, C, ...x.shape.slice(2).map(() => 1)];
  const squares = total((chunk) => chunk.sub(tensor(mean, meanShape, chunk.dtype)).square().sum(axes));
  return { mean, std: Array.from(squares, (s) => Math.sqrt(s / count)) };
}
