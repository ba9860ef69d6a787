/**
 * Segmentation data: canvases composed from real digits or clothing items
 * (several per canvas, at random positions and scales, each pixel labelled
 * with the class of the item whose ink covers it), a loader for a folder of
 * images and PNG masks, colour palettes, and augmentations that move image
 * and mask together.
 * @module
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { PNG } from 'pngjs';
import { fmtShape, ShapeError, type Tensor, tensor, ValueError } from '@nn/tensor';
import { type Random, seededRandom } from './augment.js';
import { DatasetNotFoundError, type ImageSplit } from './datasets.js';

/** A segmentation split: images `[N, C, H, W]` float32 and masks int32 `[N, H, W]` of class indices. */
export interface SegmentationSplit {
  images: Tensor;
  masks: Tensor;
}

/** Options of {@link composeSegmentation}. */
export interface ComposeOptions {
  /** Canvases to make. */
  count: number;
  /** Side of the square canvas (default 64). */
  size?: number;
  /** Fewest and most items per canvas (default [2, 4]). */
  items?: [number, number];
  /** Range of the item scale: an item's side is 28 · scale pixels (default [0.8, 1.6]). */
  scale?: [number, number];
  /** An item's pixel is ink, and takes the item's label, above this value (default 0.3). */
  threshold?: number;
  /** Seed of positions, scales and picks (default 0). */
  seed?: number;
}

/** Bilinear sample of a 28x28 image at (y, x) in its own pixel coordinates, zero outside. */
function sample(src: Float32Array, base: number, y: number, x: number): number {
  const y0 = Math.floor(y), x0 = Math.floor(x), fy = y - y0, fx = x - x0;
  const at = (r: number, c: number) => (r >= 0 && r < 28 && c >= 0 && c < 28 ? src[base + r * 28 + c]! : 0);
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

/**
 * Canvases composed from the 28x28 items of a split: each canvas holds
 * between `items[0]` and `items[1]` items, drawn in order at random
 * positions and scales (overlap allowed; a later item covers an earlier
 * one where its ink is). The image is the brightest ink at each pixel; the
 * mask is 0 for background and 1 + the item's label where an item's ink
 * covers the pixel, the last-drawn such item winning. Compose train
 * canvases from a train split and test canvases from a test split.
 */
export function composeSegmentation(source: ImageSplit, { count, size = 64, items = [2, 4], scale = [0.8, 1.6], threshold = 0.3, seed = 0 }: ComposeOptions): SegmentationSplit {
  const op = 'composeSegmentation';
  const { images, labels } = source;
  if (images.rank !== 4 || images.shape[1] !== 1 || images.shape[2] !== 28 || images.shape[3] !== 28) throw new ShapeError(`source images must be [N, 1, 28, 28], got ${fmtShape(images.shape)}`, op);
  if (!(Number.isInteger(count) && count > 0)) throw new ValueError(`count must be a positive integer, got ${count}`, op);
  if (!(Number.isInteger(items[0]) && items[0] >= 1 && items[1] >= items[0])) throw new ValueError(`items must be [min, max] with 1 ≤ min ≤ max, got [${items.join(', ')}]`, op);
  if (!(scale[0] > 0 && scale[1] >= scale[0] && Math.round(28 * scale[1]) <= size)) throw new ValueError(`scale must be [lo, hi] with 0 < lo ≤ hi and 28·hi ≤ size (${size}), got [${scale.join(', ')}]`, op);
  const src = images.dataSync() as Float32Array;
  const lab = labels.dataSync() as Int32Array;
  const n = images.shape[0]!;
  const random: Random = seededRandom(seed);
  const pixels = new Float32Array(count * size * size);
  const masks = new Int32Array(count * size * size);
  for (let c = 0; c < count; c++) {
    const base = c * size * size;
    const k = items[0] + Math.floor(random() * (items[1] - items[0] + 1));
    for (let item = 0; item < k; item++) {
      const pick = Math.floor(random() * n);
      const side = Math.round(28 * (scale[0] + random() * (scale[1] - scale[0])));
      const top = Math.floor(random() * (size - side + 1)), left = Math.floor(random() * (size - side + 1));
      const ratio = 28 / side;
      for (let i = 0; i < side; i++) {
        for (let j = 0; j < side; j++) {
          // pixel centres mapped onto the item's pixel grid (align_corners = false)
          const v = sample(src, pick * 784, (i + 0.5) * ratio - 0.5, (j + 0.5) * ratio - 0.5);
          const at = base + (top + i) * size + left + j;
          if (v > pixels[at]!) pixels[at] = v;
          if (v > threshold) masks[at] = lab[pick]! + 1;
        }
      }
    }
  }
  return { images: tensor(pixels, [count, 1, size, size]), masks: tensor(masks, [count, size, size], 'int32') };
}

/**
 * PASCAL VOC's colour map: class i's colour from the bits of i (the
 * devkit's `labelcolormap`), so class 0 is black, 1 dark red, 2 dark green...
 */
export function vocPalette(classes = 256): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < classes; i++) {
    let r = 0, g = 0, b = 0, c = i;
    for (let j = 0; j < 8; j++) {
      r |= ((c >> 0) & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    out.push([r, g, b]);
  }
  return out;
}

/** Options of {@link loadSegmentationFolder}. */
export interface SegmentationFolderOptions {
  /** Sub-folder of the images (default `images`). */
  images?: string;
  /** Sub-folder of the masks, one PNG per image with the same name stem (default `masks`). */
  masks?: string;
  /** Image channels: 1 (grey, the mean of R, G, B) or 3 (default 3). */
  channels?: 1 | 3;
  /**
   * Colours of the classes in colour masks (default: PASCAL VOC's palette,
   * with its border colour 224,224,192 read as 255). Grey masks (R = G = B)
   * are read as class indices directly.
   */
  palette?: readonly (readonly [number, number, number])[];
}

/** Decodes a PNG file with pngjs, or says which file is not one. */
function readPng(file: string): PNG {
  try {
    return PNG.sync.read(readFileSync(file));
  } catch (e) {
    throw new ValueError(`${file} is not a readable PNG: ${(e as Error).message}`, 'loadSegmentationFolder');
  }
}

/** A decoded PNG's pixels as `[C, H, W]` floats in [0, 1]: grey (the mean of R, G, B) or RGB. */
function pngPixels(png: PNG, channels: 1 | 3): Float32Array {
  const n = png.width * png.height;
  const px = new Float32Array(channels * n);
  for (let p = 0; p < n; p++) {
    const [r, g, b] = [png.data[4 * p]!, png.data[4 * p + 1]!, png.data[4 * p + 2]!];
    if (channels === 1) px[p] = (r + g + b) / 765;
    else [px[p], px[n + p], px[2 * n + p]] = [r / 255, g / 255, b / 255];
  }
  return px;
}

/** Concatenates equally long chunks. */
function joined<A extends Float32Array | Int32Array>(chunks: A[], make: (n: number) => A): A {
  const out = make(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A folder of images and masks, for bringing one's own data: `dir/images/*.png`
 * and, for each, `dir/masks/<same stem>.png`. Images become float32 in
 * [0, 1]; masks class indices (grey value, or palette colour). Every image
 * must have a mask of its size, and all must share one size (crop or
 * resize them first).
 */
export function loadSegmentationFolder(dir: string, { images = 'images', masks = 'masks', channels = 3, palette }: SegmentationFolderOptions = {}): SegmentationSplit {
  const op = 'loadSegmentationFolder';
  const imageDir = join(dir, images), maskDir = join(dir, masks);
  for (const d of [imageDir, maskDir]) if (!existsSync(d)) throw new DatasetNotFoundError(`${op}: ${d} does not exist (expected ${dir}/${images}/*.png and ${dir}/${masks}/*.png)`);
  const files = readdirSync(imageDir).filter((f) => extname(f).toLowerCase() === '.png').sort();
  if (files.length === 0) throw new DatasetNotFoundError(`${op}: no .png images in ${imageDir}`);
  const colours = new Map<number, number>();
  if (palette === undefined) colours.set((224 << 16) | (224 << 8) | 192, 255);
  (palette ?? vocPalette(256)).forEach(([r, g, b], i) => colours.has((r << 16) | (g << 8) | b) || colours.set((r << 16) | (g << 8) | b, i));
  let H = 0, W = 0;
  const pixelChunks: Float32Array[] = [];
  const maskChunks: Int32Array[] = [];
  for (const file of files) {
    const image = readPng(join(imageDir, file));
    const maskFile = join(maskDir, `${basename(file, extname(file))}.png`);
    if (!existsSync(maskFile)) throw new DatasetNotFoundError(`${op}: image ${file} has no mask ${maskFile}`);
    const mask = readPng(maskFile);
    if (mask.width !== image.width || mask.height !== image.height) throw new ShapeError(`mask ${maskFile} is ${mask.height}x${mask.width} but its image ${file} is ${image.height}x${image.width}`, op);
    if (H === 0) [H, W] = [image.height, image.width];
    if (image.height !== H || image.width !== W) throw new ShapeError(`image ${file} is ${image.height}x${image.width} but the first image is ${H}x${W}; all must share one size`, op);
    const m = new Int32Array(H * W);
    for (let p = 0; p < H * W; p++) {
      const [mr, mg, mb] = [mask.data[4 * p]!, mask.data[4 * p + 1]!, mask.data[4 * p + 2]!];
      if (mr === mg && mg === mb) m[p] = mr;
      else {
        const cls = colours.get((mr << 16) | (mg << 8) | mb);
        if (cls === undefined) throw new ValueError(`mask ${maskFile} has colour (${mr}, ${mg}, ${mb}) at pixel ${p}, which is no class of the palette`, op);
        m[p] = cls;
      }
    }
    pixelChunks.push(pngPixels(image, channels));
    maskChunks.push(m);
  }
  const pixels = joined(pixelChunks, (n) => new Float32Array(n));
  return { images: tensor(pixels, [files.length, channels, H, W]), masks: tensor(joined(maskChunks, (n) => new Int32Array(n)), [files.length, H, W], 'int32') };
}

/** A PNG of a mask `[H, W]` (int32 class indices) in a palette's colours (default VOC's), encoded by pngjs. */
export function maskToPng(mask: Tensor, palette: readonly (readonly [number, number, number])[] = vocPalette(256)): Buffer {
  if (mask.rank !== 2) throw new ShapeError(`expects a mask [H, W], got ${fmtShape(mask.shape)}`, 'maskToPng');
  const [H, W] = mask.shape as [number, number];
  const values = mask.dataSync();
  const png = new PNG({ width: W, height: H });
  for (let p = 0; p < H * W; p++) {
    const [r, g, b] = palette[values[p]!] ?? [255, 255, 255];
    png.data.set([r, g, b, 255], 4 * p);
  }
  return PNG.sync.write(png);
}

/** Reads PNG images (files, or every .png of a directory) as `[N, C, H, W]` float32 in [0, 1]; all must share one size. */
export function readPngImages(paths: readonly string[], channels: 1 | 3 = 3): { images: Tensor; files: string[] } {
  const files = paths.flatMap((p) => (existsSync(p) && !p.toLowerCase().endsWith('.png') ? readdirSync(p).filter((f) => f.toLowerCase().endsWith('.png')).sort().map((f) => join(p, f)) : [p]));
  if (files.length === 0) throw new DatasetNotFoundError(`readPngImages: no .png files in ${paths.join(', ')}`);
  let H = 0, W = 0;
  const chunks: Float32Array[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new DatasetNotFoundError(`readPngImages: ${file} does not exist`);
    const png = readPng(file);
    if (H === 0) [H, W] = [png.height, png.width];
    if (png.height !== H || png.width !== W) throw new ShapeError(`${file} is ${png.height}x${png.width} but ${files[0]} is ${H}x${W}; all must share one size`, 'readPngImages');
    chunks.push(pngPixels(png, channels));
  }
  return { images: tensor(joined(chunks, (n) => new Float32Array(n)), [files.length, channels, H, W]), files };
}
