/**
 * Augmentations of segmentation batches that move image and mask together:
 * the same crop offset and the same flip for both, drawn once per sample.
 * @module
 */
import { fmtShape, ShapeError, type Tensor } from '@nn/tensor';
import { type BatchTransform, type Random, randomCrop, randomHorizontalFlip, seededRandom } from './augment.js';

/** A transform of a whole batch `[images, masks, ...]`, with the stream to draw from. */
export type JointTransform = (batch: Tensor[], random: Random) => Tensor[];

/**
 * Runs an image transform on the images `[N, C, H, W]` and the same
 * transform, with the same random draws, on the masks `[N, H, W]` (as one
 * channel; class indices are whole numbers, exact in float32).
 */
function jointly(op: string, image: BatchTransform, mask: BatchTransform): JointTransform {
  return ([images, masks, ...rest], random) => {
    if (images === undefined || masks === undefined || images.rank !== 4 || masks.rank !== 3 || masks.shape[0] !== images.shape[0] || masks.shape[1] !== images.shape[2] || masks.shape[2] !== images.shape[3]) {
      throw new ShapeError(`expects [images [N, C, H, W], masks [N, H, W]] of one size, got ${images ? fmtShape(images.shape) : 'nothing'} and ${masks ? fmtShape(masks.shape) : 'nothing'}`, op);
    }
    const seed = Math.floor(random() * 2 ** 32);
    const x = image(images, seededRandom(seed));
    const m1 = masks.cast('float32').reshape([masks.shape[0]!, 1, masks.shape[1]!, masks.shape[2]!]);
    const m2 = mask(m1, seededRandom(seed));
    const [n, , h, w] = m2.shape as [number, number, number, number];
    const y = m2.reshape([n, h, w]).cast('int32');
    m1.dispose();
    m2.dispose();
    return [x, y, ...rest];
  };
}

/** Flips image and mask left-right together, each sample with probability `p`. */
export function jointRandomFlip(p = 0.5): JointTransform {
  const flip = randomHorizontalFlip(p);
  return jointly('jointRandomFlip', flip, flip);
}

/**
 * The same random crop of `size` from image and mask, each zero-padded by
 * `padding` first; the mask's padding gets `maskFill` (default 0,
 * background; 255 to have it ignored by a loss with `ignoreIndex: 255`).
 */
export function jointRandomCrop(size: number | [number, number], { padding = 0, maskFill = 0 }: { padding?: number; maskFill?: number } = {}): JointTransform {
  return jointly('jointRandomCrop', randomCrop(size, { padding }), randomCrop(size, { padding, fill: maskFill }));
}

/** Applies joint transforms left to right, releasing intermediate tensors (the input batch is the caller's). */
export function composeJoint(...transforms: JointTransform[]): JointTransform {
  return (batch, random) =>
    transforms.reduce((b, t) => {
      const next = t(b, random);
      if (b !== batch) b.forEach((x, i) => x !== next[i] && x.dispose());
      return next;
    }, batch);
}
