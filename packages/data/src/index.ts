/**
 * @nn/data: the IDX reader, MNIST and Fashion-MNIST, datasets, the
 * `DataLoader`, normalisation.
 *
 * @example
 * ```ts
 * import { loadMnist, TensorDataset, DataLoader } from '@nn/data';
 * const { train } = loadMnist();                       // 8,000 real digits
 * const loader = new DataLoader(new TensorDataset(train.images, train.labels), { batchSize: 64, shuffle: true, seed: 1 });
 * for (const [x, y] of loader) console.log(x.shape, y.shape); // [64,1,28,28] [64]
 * ```
 * @packageDocumentation
 */
export { parseIdx, readIdxFile, readIdx, IdxFormatError, type IdxArray } from './idx.js';
export { type Dataset, TensorDataset, Subset, collate } from './dataset.js';
export { DataLoader, permutation, type DataLoaderOptions } from './dataloader.js';
export { normalize, channelStats } from './transforms.js';
export { compose, randomCrop, randomHorizontalFlip, normalizeChannels, randomErasing, seededRandom, type BatchTransform, type Random, type RandomErasingOptions } from './augment.js';
export { jointRandomFlip, jointRandomCrop, composeJoint, type JointTransform } from './joint-augment.js';
export { composeSegmentation, loadSegmentationFolder, maskToPng, readPngImages, vocPalette, type ComposeOptions, type SegmentationFolderOptions, type SegmentationSplit } from './segmentation.js';
export { addingProblem } from './synthetic.js';
export { mackeyGlass, type MackeyGlassOptions } from './mackey-glass.js';
export { loadText, CharVocabulary, sequenceBatch } from './text.js';
export {
  loadMnist,
  loadFashionMnist,
  FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  DatasetNotFoundError,
  type MnistOptions,
  type ImageDataset,
  type ImageSplit,
} from './datasets.js';
