import { DataLoader, TensorDataset } from '@nn/data';
import { randn, tensor, type Tensor } from '@nn/tensor';

/** Three Gaussian blobs in 2-D: an easy, generated classification problem. */
export function blobs(n: number): { x: Tensor; y: Tensor } {
  const centers = [[2, 0], [-1, 1.7], [-1, -1.7]];
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const noise = randn([n, 2]).mul(0.5).dataSync();
  const x = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) for (let d = 0; d < 2; d++) x[i * 2 + d] = centers[labels[i]!]![d]! + noise[i * 2 + d]!;
  return { x: tensor(x, [n, 2]), y: tensor(labels, [n], 'int32') };
}

export function loaderOf(data: { x: Tensor; y: Tensor }, batchSize: number, shuffle = true, seed = 1): DataLoader {
  return new DataLoader(new TensorDataset(data.x, data.y), { batchSize, shuffle, seed });
}
