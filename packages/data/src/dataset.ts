/**
 * Datasets: anything with a length and indexed samples.
 * @module
 */
import { fmtShape, getBackend, ShapeError, stack, tensor, type Tensor, ValueError, withBackend } from '@nn/tensor';

/** A dataset: `length` samples, each a list of tensors (e.g. `[image, label]`). */
export interface Dataset {
  readonly length: number;
  /** The i-th sample. */
  get(index: number): Tensor[];
  /** Optional fast path: a whole batch at once. */
  getBatch?(indices: Int32Array): Tensor[];
}

/** Samples along the first dim of equally long tensors (PyTorch's `TensorDataset`). */
export class TensorDataset implements Dataset {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('needs at least one tensor', 'TensorDataset');
    const n = tensors[0]!.shape[0];
    for (const [i, t] of tensors.entries()) {
      if (t.rank === 0 || t.shape[0] !== n) {
        throw new ShapeError(`tensors[${i}] has shape ${fmtShape(t.shape)}; every tensor needs the same first dim (${n})`, 'TensorDataset');
      }
      t.kept = true;
    }
    this.tensors = tensors;
    this.length = n ?? 0;
  }

  get(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new ValueError(`index ${index} is out of range for a dataset of ${this.length} samples`, 'TensorDataset');
    }
    return this.tensors.map((t) => t.index(index));
  }

  getBatch(indices: Int32Array): Tensor[] {
    // Batches are gathered where the data lives (a host-side data set stays on the host; a GPU moves each batch once, when it is used).
    return withBackend(this.tensors[0]?.backend ?? getBackend(), () => {
      const idx = tensor(indices);
      const batch = this.tensors.map((t) => t.gather(idx, 0));
      idx.dispose();
      return batch;
    });
  }
}

/** Builds a batch from a generic dataset by stacking its samples. */
export function collate(dataset: Dataset, indices: Int32Array): Tensor[] {
  if (dataset.getBatch) return dataset.getBatch(indices);
  const samples = Array.from(indices, (i) => dataset.get(i));
  return samples[0]!.map((_, k) => stack(samples.map((s) => s[k]!)));
}

/** A contiguous or arbitrary subset of a dataset. */
export class Subset implements Dataset {
  constructor(readonly dataset: Dataset, readonly indices: Int32Array) {}
  get length(): number {
    return this.indices.length;
  }
  get(index: number): Tensor[] {
    return this.dataset.get(this.indices[index]!);
  }
  getBatch(indices: Int32Array): Tensor[] {
    return collate(this.dataset, indices.map((i) => this.indices[i]!));
  }
}
