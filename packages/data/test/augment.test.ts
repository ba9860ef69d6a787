import { describe, expect, it } from 'vitest';
import { arange, memory, ShapeError, tensor, type Tensor, ValueError } from '@nn/tensor';
import { compose, DataLoader, normalizeChannels, randomCrop, randomErasing, randomHorizontalFlip, seededRandom, TensorDataset } from '../src/index.js';

const images = (n: number, c = 1, h = 4, w = 5) => arange(0, n * c * h * w, 1, 'float32').reshape([n, c, h, w]);
const img = (x: Tensor, n: number, c = 0) => (x.toArray<number[][][][]>())[n]![c]!;

describe('image augmentations', () => {
  it('randomHorizontalFlip: p = 1 mirrors every row, p = 0 changes nothing, twice is the identity', () => {
    const x = images(3);
    const flipped = randomHorizontalFlip(1)(x, seededRandom(1));
    expect(img(flipped, 1)).toEqual(img(x, 1).map((row) => [...row].reverse()));
    expect(randomHorizontalFlip(0)(x, seededRandom(1)).toArray()).toEqual(x.toArray());
    expect(randomHorizontalFlip(1)(flipped, seededRandom(2)).toArray()).toEqual(x.toArray());
    // p = 0.5 flips some images of a batch and not others.
    const half = randomHorizontalFlip(0.5)(images(40), seededRandom(3));
    const flips = Array.from({ length: 40 }, (_, n) => img(half, n)[0]![0]! > img(half, n)[0]![4]!).filter(Boolean).length;
    expect(flips).toBeGreaterThan(8);
    expect(flips).toBeLessThan(32);
  });

  it('randomCrop: without padding at full size it is the identity; with padding the crop is a shifted window with zeros', () => {
    const x = images(2, 2);
    expect(randomCrop([4, 5])(x, seededRandom(1)).toArray()).toEqual(x.toArray());
    const y = randomCrop([4, 5], { padding: 2 })(x, seededRandom(7));
    expect(y.shape).toEqual([2, 2, 4, 5]);
    // Each output is the input shifted by (dy, dx) in [-2, 2]: find the shift and check every pixel.
    for (let n = 0; n < 2; n++) {
      const src = img(x, n, 1), out = img(y, n, 1);
      const shifts = [];
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (out.every((row, i) => row.every((v, j) => v === (src[i + dy]?.[j + dx] ?? 0)))) shifts.push([dy, dx]);
      expect(shifts.length).toBeGreaterThan(0);
    }
    // The same stream gives the same crops.
    expect(randomCrop(3, { padding: 1 })(x, seededRandom(5)).toArray()).toEqual(randomCrop(3, { padding: 1 })(x, seededRandom(5)).toArray());
    expect(() => randomCrop(9)(x, seededRandom(1))).toThrow(ShapeError);
    expect(() => randomCrop(3)(tensor([1, 2]), seededRandom(1))).toThrow(/expects image batches \[N, C, H, W\]/);
  });

  it('randomErasing: erases one rectangle per chosen image in every channel, within the area range', () => {
    const x = images(20, 3, 8, 8).add(1);
    const y = randomErasing({ p: 1, scale: [0.1, 0.2], value: 0 })(x, seededRandom(11));
    for (let n = 0; n < 20; n++) {
      const zeros = img(y, n, 0).flat().filter((v) => v === 0).length;
      expect(zeros).toBeGreaterThanOrEqual(Math.floor(0.1 * 64 * 0.5));
      expect(zeros).toBeLessThanOrEqual(Math.ceil(0.2 * 64 * 1.6));
      expect(img(y, n, 2).flat().filter((v) => v === 0).length).toBe(zeros);
    }
    expect(randomErasing({ p: 0 })(x, seededRandom(1)).toArray()).toEqual(x.toArray());
    expect(() => randomErasing({ scale: [0.5, 0.1] })).toThrow(ValueError);
  });

  it('a DataLoader applies a composed pipeline to inputs only, reproducibly, without leaking', () => {
    const x = images(12, 2), y = tensor(Array.from({ length: 12 }, (_, i) => i % 3), undefined, 'int32');
    const pipeline = compose(randomCrop(4, { padding: 1 }), randomHorizontalFlip(), normalizeChannels([10, 20], [2, 4]));
    const dataset = new TensorDataset(x, y);
    const batches = (seed: number) => {
      const loader = new DataLoader(dataset, { batchSize: 5, shuffle: true, seed, transform: pipeline });
      return [...loader].map(([a, b]) => {
        const out = [a!.toArray(), b!.toArray()];
        a!.dispose();
        b!.dispose();
        return out;
      });
    };
    const unaugmented = images(5, 2).slice([0, 0, 0, 0], [5, 2, 4, 4]).toArray();
    const before = memory().tensors;
    const first = batches(3);
    expect(first.length).toBe(3);
    expect(first[0]![0]).not.toEqual(unaugmented);
    expect(batches(3)).toEqual(first);
    expect(batches(4)).not.toEqual(first);
    // The batches were disposed as they were read; the pipeline released its intermediates as it ran.
    expect(memory().tensors).toBe(before);
    // Labels pass through untouched.
    expect(first.flatMap(([, b]) => b as number[]).sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  });
});
