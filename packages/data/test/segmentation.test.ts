import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { ShapeError, tensor } from '@nn/tensor';
import { composeJoint, composeSegmentation, DataLoader, jointRandomCrop, jointRandomFlip, loadMnist, loadSegmentationFolder, maskToPng, TensorDataset, vocPalette } from '../src/index.js';

describe('composed segmentation data', () => {
  const mnist = loadMnist({ trainSize: 500, testSize: 100 });

  it('labels each pixel with 1 + the class of the item whose ink covers it, 0 for background, seeded', () => {
    const a = composeSegmentation(mnist.train, { count: 20, seed: 3 });
    const b = composeSegmentation(mnist.train, { count: 20, seed: 3 });
    expect(a.images.shape).toEqual([20, 1, 64, 64]);
    expect(a.masks.shape).toEqual([20, 64, 64]);
    expect(Array.from(a.masks.dataSync())).toEqual(Array.from(b.masks.dataSync()));
    const px = a.images.dataSync(), m = a.masks.dataSync();
    let labelled = 0;
    for (let i = 0; i < m.length; i++) {
      if (m[i]! > 0) {
        labelled++;
        expect(px[i]).toBeGreaterThan(0.3); // labelled pixels are ink
      } else expect(px[i]).toBeLessThanOrEqual(0.3);
      expect(m[i]).toBeLessThanOrEqual(10);
    }
    expect(labelled / m.length).toBeGreaterThan(0.03);
    expect(new Set(Array.from(m)).size).toBeGreaterThan(5); // several classes occur
    expect(() => composeSegmentation(mnist.train, { count: 2, scale: [1, 3] })).toThrow('28·hi ≤ size');
  });

  it('joint crop and flip move image and mask together', () => {
    const { images, masks } = composeSegmentation(mnist.test, { count: 8, size: 40, scale: [0.8, 1.2], seed: 1 });
    const loader = new DataLoader(new TensorDataset(images, masks), { batchSize: 8, seed: 5, jointTransform: composeJoint(jointRandomCrop(36, { padding: 2 }), jointRandomFlip()) });
    const [x, y] = [...loader][0]!;
    expect(x!.shape).toEqual([8, 1, 36, 36]);
    expect(y!.shape).toEqual([8, 36, 36]);
    expect(y!.dtype).toBe('int32');
    const px = x!.dataSync(), m = y!.dataSync();
    for (let i = 0; i < m.length; i++) expect(m[i]! > 0).toBe(px[i]! > 0.3); // still aligned: labels sit on ink
  });

  it('loads a folder of PNG images and masks (grey or VOC-palette colours); a mask of another size is a typed error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-seg-'));
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'masks'));
    const write = (file: string, w: number, h: number, rgb: (p: number) => [number, number, number]) => {
      const png = new PNG({ width: w, height: h });
      for (let p = 0; p < w * h; p++) png.data.set([...rgb(p), 255], 4 * p);
      writeFileSync(file, PNG.sync.write(png));
    };
    const voc = vocPalette(3);
    write(join(dir, 'images', 'a.png'), 4, 3, (p) => [p * 20, p * 20, p * 20]);
    write(join(dir, 'masks', 'a.png'), 4, 3, (p) => voc[p % 3]!); // colour mask
    write(join(dir, 'images', 'b.png'), 4, 3, () => [255, 0, 0]);
    write(join(dir, 'masks', 'b.png'), 4, 3, (p) => (p === 0 ? [255, 255, 255] : [1, 1, 1])); // grey mask: 255 (ignored) and class 1
    const data = loadSegmentationFolder(dir);
    expect(data.images.shape).toEqual([2, 3, 3, 4]);
    expect(Array.from(data.masks.dataSync()).slice(0, 12)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(Array.from(data.masks.dataSync()).slice(12, 14)).toEqual([255, 1]);
    expect([data.images.dataSync()[36], data.images.dataSync()[48]]).toEqual([1, 0]); // b: red channel 1, green 0
    const png = PNG.sync.read(maskToPng(tensor([[0, 1], [2, 0]], undefined, 'int32')));
    expect(Array.from(png.data.subarray(4, 7))).toEqual(voc[1]);
    write(join(dir, 'masks', 'b.png'), 5, 3, () => [0, 0, 0]);
    expect(() => loadSegmentationFolder(dir)).toThrow(ShapeError);
    expect(() => loadSegmentationFolder(dir)).toThrow(/mask .*b\.png is 3x5 but its image b\.png is 3x4/);
  });
});
