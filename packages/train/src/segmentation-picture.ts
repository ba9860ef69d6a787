/**
 * A picture of segmentations: one row per sample, the input, its ground
 * truth and each network's predicted mask, colour-coded, with a legend of
 * the classes; drawn and PNG-encoded by @napi-rs/canvas (Skia).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { vocPalette } from '@nn/data';
import { fmtShape, ShapeError, type Tensor, ValueError } from '@nn/tensor';

/** One row of the grid. */
export interface SegmentationRow {
  /** The input, `[C, H, W]` (1 or 3 channels, values in [0, 1]) or `[H, W]`. */
  image: Tensor;
  /** The true mask `[H, W]` (int32 class indices), if known. */
  truth?: Tensor;
  /** Predicted masks `[H, W]`, one per column of `columns`. */
  predictions: readonly Tensor[];
}

/** Options of {@link segmentationGrid}. */
export interface SegmentationGridOptions {
  /** The class names, by index (the legend). */
  classes: readonly string[];
  /** Titles of the prediction columns. */
  columns: readonly string[];
  /** Screen pixels per image pixel (default 3). */
  zoom?: number;
  /** Class colours (default PASCAL VOC's). */
  palette?: readonly (readonly [number, number, number])[];
  /** A title above the grid. */
  title?: string;
}

const PAD = 6, HEADER = 18, FONT = '12px DejaVu Sans, sans-serif';

/** Paints an [H, W] map of RGB colours at (x, y), zoomed. */
function paint(g: SKRSContext2D, x: number, y: number, h: number, w: number, zoom: number, colour: (p: number) => readonly [number, number, number]): void {
  const img = g.createImageData(w * zoom, h * zoom);
  for (let i = 0; i < h * zoom; i++) {
    for (let j = 0; j < w * zoom; j++) {
      const [r, gr, b] = colour(Math.floor(i / zoom) * w + Math.floor(j / zoom));
      img.data.set([r, gr, b, 255], 4 * (i * w * zoom + j));
    }
  }
  g.putImageData(img, x, y);
}

/**
 * The grid as PNG bytes: columns input, ground truth (when given) and the
 * predictions, rows the samples, a legend of the classes' colours below.
 */
export function segmentationGrid(rows: readonly SegmentationRow[], { classes, columns, zoom = 3, palette = vocPalette(256), title }: SegmentationGridOptions): Buffer {
  const op = 'segmentationGrid';
  if (rows.length === 0) throw new ValueError('needs at least one row', op);
  const first = rows[0]!.image;
  const [H, W] = first.shape.slice(-2) as [number, number];
  const withTruth = rows.some((r) => r.truth !== undefined);
  const titles = ['input', ...(withTruth ? ['ground truth'] : []), ...columns];
  for (const [i, r] of rows.entries()) {
    if (r.predictions.length !== columns.length) throw new ValueError(`row ${i} has ${r.predictions.length} predictions for ${columns.length} columns`, op);
    for (const m of [...(r.truth ? [r.truth] : []), ...r.predictions]) {
      if (m.rank !== 2 || m.shape[0] !== H || m.shape[1] !== W) throw new ShapeError(`row ${i}: masks must be [${H}, ${W}] like the first image, got ${fmtShape(m.shape)}`, op);
    }
    if (r.image.shape.slice(-2).join() !== `${H},${W}`) throw new ShapeError(`row ${i}: image ${fmtShape(r.image.shape)} differs in size from the first ${fmtShape(first.shape)}`, op);
  }
  const cellW = W * zoom, cellH = H * zoom;
  const top = (title ? HEADER : 0) + HEADER;
  const legendRows = Math.ceil(classes.length / 4);
  const width = Math.max(PAD + titles.length * (cellW + PAD), 4 * 130 + PAD);
  const height = top + rows.length * (cellH + PAD) + PAD + legendRows * 18;
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000000';
  g.font = FONT;
  if (title) g.fillText(title, PAD, 14);
  titles.forEach((t, c) => g.fillText(t, PAD + c * (cellW + PAD), top - 5, cellW));
  const colourOf = (m: ArrayLike<number>) => (p: number) => palette[m[p]!] ?? ([255, 255, 255] as const);
  rows.forEach((r, i) => {
    const y = top + i * (cellH + PAD);
    const px = r.image.dataSync();
    const C = r.image.rank === 3 ? r.image.shape[0]! : 1;
    const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
    paint(g, PAD, y, H, W, zoom, (p) => (C === 3 ? [byte(px[p]!), byte(px[H * W + p]!), byte(px[2 * H * W + p]!)] : [byte(px[p]!), byte(px[p]!), byte(px[p]!)]));
    const masks = [...(withTruth ? [r.truth] : []), ...r.predictions];
    masks.forEach((m, c) => {
      if (m) paint(g, PAD + (c + 1) * (cellW + PAD), y, H, W, zoom, colourOf(m.dataSync()));
    });
  });
  const legendTop = top + rows.length * (cellH + PAD) + PAD;
  classes.forEach((name, k) => {
    const x = PAD + (k % 4) * 130, y = legendTop + Math.floor(k / 4) * 18;
    const [r, gr, b] = palette[k] ?? [255, 255, 255];
    g.fillStyle = `rgb(${r}, ${gr}, ${b})`;
    g.fillRect(x, y, 12, 12);
    g.strokeStyle = '#808080';
    g.strokeRect(x, y, 12, 12);
    g.fillStyle = '#000000';
    g.fillText(name, x + 16, y + 10, 110);
  });
  return canvas.toBuffer('image/png');
}

/** Writes {@link segmentationGrid}'s PNG to `file` (creating its directory). */
export function writeSegmentationGrid(file: string, rows: readonly SegmentationRow[], options: SegmentationGridOptions): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, segmentationGrid(rows, options));
}
