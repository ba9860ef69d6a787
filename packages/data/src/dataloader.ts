/**
 * `DataLoader`: batches of a dataset, optionally shuffled with a seed.
 * @module
 */
import { nextSeed, type Tensor, ValueError } from '@nn/tensor';
import { type BatchTransform, seededRandom } from './augment.js';
import { collate, type Dataset } from './dataset.js';
import type { JointTransform } from './joint-augment.js';

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  batchSize?: number;
  /** Reshuffle at every epoch. */
  shuffle?: boolean;
  /** Seed of the shuffle; by default drawn from the global generator (so `manualSeed` fixes it). */
  seed?: number;
  /** Drop the last batch when it is smaller than `batchSize`. */
  dropLast?: boolean;
  /**
   * Applied to each batch's input (its first tensor) before it is yielded:
   * augmentations such as `compose(randomCrop(28, { padding: 2 }), randomHorizontalFlip())`.
   * Its random choices are seeded by (seed, epoch, batch).
   */
  transform?: BatchTransform;
  /**
   * Applied to the whole batch before `transform`: augmentations that must
   * move inputs and targets together, such as segmentation's
   * `composeJoint(jointRandomCrop(64, { padding: 4 }), jointRandomFlip())`.
   */
  jointTransform?: JointTransform;
}

/** A seeded Fisher-Yates permutation of 0..n-1 (mulberry32). */
export function permutation(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const j = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (i + 1));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}

/**
 * Iterates over a dataset in batches: `for (const [x, y] of loader)`. With
 * `shuffle`, epoch e uses the permutation seeded by (seed, e), so a run
 * resumed at an epoch boundary sees the same batches. The caller owns (and
 * disposes) the batch tensors; `fit` does.
 */
export class DataLoader implements Iterable<Tensor[]> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  readonly transform: BatchTransform | undefined;
  readonly jointTransform: JointTransform | undefined;
  /** The epoch the next iteration will use; advanced by every full iteration. */
  epoch = 0;

  constructor(dataset: Dataset, { batchSize = 1, shuffle = false, seed, dropLast = false, transform, jointTransform }: DataLoaderOptions = {}) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError(`batchSize must be a positive integer, got ${batchSize}`, 'DataLoader');
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed ?? nextSeed();
    this.transform = transform;
    this.jointTransform = jointTransform;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The sample order of an epoch. */
  order(epoch: number): Int32Array {
    if (!this.shuffle) return Int32Array.from({ length: this.dataset.length }, (_, i) => i);
    return permutation(this.dataset.length, (this.seed + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    const order = this.order(this.epoch);
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      let batch = collate(this.dataset, indices);
      const random = seededRandom((this.seed ^ Math.imul(this.epoch + 1, 0x85ebca6b) ^ Math.imul(b + 1, 0xc2b2ae35)) >>> 0);
      if (this.jointTransform !== undefined) {
        const transformed = this.jointTransform(batch, random);
        batch.forEach((t, i) => t !== transformed[i] && t.dispose());
        batch = transformed;
      }
      if (this.transform !== undefined) {
        const input = batch[0]!;
        batch[0] = this.transform(input, random);
        if (batch[0] !== input) input.dispose();
      }
      yield batch;
    }
    this.epoch++;
  }
}
