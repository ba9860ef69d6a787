/**
 * Image transforms for a `DataLoader`'s input batches `[N, C, H, W]`, as
 * torchvision has them per sample: random crop with padding, horizontal
 * flip, per-channel normalisation, random erasing. They compose with
 * {@link compose}. Random choices are made per sample from a seeded stream
 * that the loader derives from its seed, the epoch and the batch, so a run
 * is reproducible and a resumed run sees the same augmentations.
 * @module
 */
import { fmtShape, ShapeError, type Tensor, tensor, ValueError } from '@nn/tensor';
import { mulberry32 } from '@nn/tensor/kernel';
import { normalize } from './transforms.js';

/** Uniform [0, 1) numbers, seeded. */
export type Random = () => number;

/** A transform of an input batch: the batch and the stream to draw its random choices from. */
export type BatchTransform = (batch: Tensor, random: Random) => Tensor;

/** A seeded stream of uniform [0, 1) numbers (mulberry32, the generator of nn's cpu random kernels). */
export function seededRandom(seed: number): Random {
  return mulberry32(seed);
}

/** Applies transforms left to right, releasing the intermediate batches (the input is the caller's). */
export function compose(...transforms: BatchTransform[]): BatchTransform {
  return (batch, random) =>
    transforms.reduce((x, t) => {
      const y = t(x, random);
      if (x !== batch && y !== x) x.dispose();
      return y;
    }, batch);
}

function dims(op: string, x: Tensor): [number, number, number, number] {
  if (x.rank !== 4) throw new ShapeError(`expects image batches [N, C, H, W], got ${fmtShape(x.shape)}`, op);
  return x.shape as [number, number, number, number];
}

/** Runs `perImage(src, dst, n)` over a float copy of the batch and returns the result as a tensor of `outShape`. */
function mapImages(x: Tensor, outShape: number[], perImage: (src: Float32Array, dst: Float32Array, n: number) => void): Tensor {
  const src = Float32Array.from(x.dataSync());
  const dst = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  for (let n = 0; n < outShape[0]!; n++) perImage(src, dst, n);
  return tensor(dst, outShape, 'float32');
}

/**
 * Random crop of `size` (square or [h, w]) after zero-padding each side by
 * `padding` (torchvision's `RandomCrop(size, padding)`; CIFAR's usual
 * `randomCrop(32, { padding: 4 })`). Each image gets its own offset.
 */
export function randomCrop(size: number | [number, number], { padding = 0, fill = 0 }: { padding?: number; fill?: number } = {}): BatchTransform {
  const [ch, cw] = typeof size === 'number' ? [size, size] : size;
  if (!(Number.isInteger(ch) && Number.isInteger(cw) && ch > 0 && cw > 0)) throw new ValueError(`size must be positive integers, got ${JSON.stringify(size)}`, 'randomCrop');
  if (!(Number.isInteger(padding) && padding >= 0)) throw new ValueError(`padding must be a non-negative integer, got ${padding}`, 'randomCrop');
  return (x, random) => {
    const [N, C, H, W] = dims('randomCrop', x);
    const PH = H + 2 * padding, PW = W + 2 * padding;
    if (ch > PH || cw > PW) throw new ShapeError(`crop ${ch}x${cw} is larger than the padded image ${PH}x${PW} (input ${fmtShape(x.shape)}, padding ${padding})`, 'randomCrop');
    return mapImages(x, [N, C, ch, cw], (src, dst, n) => {
      const top = Math.floor(random() * (PH - ch + 1)) - padding, left = Math.floor(random() * (PW - cw + 1)) - padding;
      for (let c = 0; c < C; c++) {
        const s0 = (n * C + c) * H * W, d0 = (n * C + c) * ch * cw;
        for (let i = 0; i < ch; i++) {
          const y = top + i;
          for (let j = 0; j < cw; j++) {
            const xx = left + j;
            dst[d0 + i * cw + j] = y >= 0 && y < H && xx >= 0 && xx < W ? src[s0 + y * W + xx]! : fill;
          }
        }
      }
    });
  };
}

/** Flips each image left-right with probability `p` (default 0.5). */
export function randomHorizontalFlip(p = 0.5): BatchTransform {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`p must be in [0, 1], got ${p}`, 'randomHorizontalFlip');
  return (x, random) => {
    const [, C, H, W] = dims('randomHorizontalFlip', x);
    return mapImages(x, [...x.shape], (src, dst, n) => {
      const flip = random() < p;
      for (let r = n * C * H; r < (n + 1) * C * H; r++) for (let j = 0; j < W; j++) dst[r * W + j] = src[r * W + (flip ? W - 1 - j : j)]!;
    });
  };
}

/** Per-channel normalisation (x − mean_c) / std_c, as a transform (torchvision's `Normalize`). */
export function normalizeChannels(mean: readonly number[], std: readonly number[]): BatchTransform {
  return (x) => normalize(x, mean, std);
}

/** Options of {@link randomErasing}. */
export interface RandomErasingOptions {
  /** Probability of erasing an image (default 0.5). */
  p?: number;
  /** Range of the erased area as a fraction of the image (default [0.02, 0.33]). */
  scale?: [number, number];
  /** Range of the rectangle's aspect ratio h/w, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: [number, number];
  /** The value written (default 0). */
  value?: number;
}

/**
 * Random erasing (Zhong et al. 2020; torchvision's `RandomErasing`): with
 * probability `p`, a rectangle of random area and aspect ratio is set to
 * `value` in every channel. Up to 10 draws find one that fits the image;
 * if none does, the image is left as it is (as torchvision does).
 */
export function randomErasing({ p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0 }: RandomErasingOptions = {}): BatchTransform {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`p must be in [0, 1], got ${p}`, 'randomErasing');
  if (!(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1)) throw new ValueError(`scale must be 0 < lo ≤ hi ≤ 1, got [${scale.join(', ')}]`, 'randomErasing');
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1])) throw new ValueError(`ratio must be 0 < lo ≤ hi, got [${ratio.join(', ')}]`, 'randomErasing');
  return (x, random) => {
    const [, C, H, W] = dims('randomErasing', x);
    return mapImages(x, [...x.shape], (src, dst, n) => {
      const base = n * C * H * W;
      dst.set(src.subarray(base, base + C * H * W), base);
      if (random() >= p) return;
      for (let attempt = 0; attempt < 10; attempt++) {
        const area = H * W * (scale[0] + random() * (scale[1] - scale[0]));
        const aspect = Math.exp(Math.log(ratio[0]) + random() * (Math.log(ratio[1]) - Math.log(ratio[0])));
        const h = Math.round(Math.sqrt(area * aspect)), w = Math.round(Math.sqrt(area / aspect));
        if (h < 1 || w < 1 || h > H || w > W) continue;
        const top = Math.floor(random() * (H - h + 1)), left = Math.floor(random() * (W - w + 1));
        for (let c = 0; c < C; c++) for (let i = top; i < top + h; i++) dst.fill(value, base + (c * H + i) * W + left, base + (c * H + i) * W + left + w);
        return;
      }
    });
  };
}
