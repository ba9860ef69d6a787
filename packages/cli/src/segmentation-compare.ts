/**
 * `nn compare DIR...`: several trained segmentation runs side by side, on
 * the same test canvases: the four FCN metrics of each, and one picture of
 * input, ground truth and every run's predicted mask.
 * @module
 */
import { basename } from 'node:path';
import { DataLoader, TensorDataset } from '@nn/data';
import { evaluate, predict, SegmentationMetrics, writeSegmentationGrid } from '@nn/train';
import { number, parse, UsageError } from './args.js';
import { composedCanvases, describeSegmentation, loadSegmentationRun, type SegmentationConfig, standardise } from './segmentation.js';

/** Options of `nn compare`. */
export interface CompareArgs {
  /** The run directories, one column each. */
  dirs: string[];
  /** Test canvases shown in the picture. */
  rows: number;
  /** The PNG to write. */
  out: string;
  /** Where the Fashion-MNIST files are (fashion-seg runs). */
  dataDir: string | undefined;
}

/** Parses the arguments after `nn compare`. */
export function parseCompareArgs(args: string[]): CompareArgs {
  const { values, positionals } = parse(args, { rows: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' } });
  const v = values as Record<string, string | undefined>;
  if (positionals.length === 0) throw new UsageError('nn compare takes one or more segmentation run directories (nn compare DIR... [--rows N] [--out FILE])');
  return { dirs: positionals, rows: number('rows', v.rows, 6, true), out: v.out ?? 'compare.png', dataDir: v['data-dir'] };
}

/** One run's scores in {@link compareSegmentation}. */
export interface RunScores {
  dir: string;
  name: string;
  pixelAccuracy: number;
  meanAccuracy: number;
  meanIU: number;
  frequencyWeightedIU: number;
}

/** What the runs must share to be compared on the same canvases. */
const canvasKey = (c: SegmentationConfig) => JSON.stringify([c.data, c.size, c.classes, c.seed ?? 1, c.testSize ?? 500]);

/**
 * `nn compare`: evaluates each run on the test canvases it was trained
 * against (the same for all: same data, size, seed and count, else a usage
 * error), prints a table of the four metrics, and writes the picture grid.
 * Returns the scores, in the order of the directories.
 */
export function compareSegmentation(args: CompareArgs, log: (line: string) => void = console.log): RunScores[] {
  const runs = args.dirs.map((dir) => ({ dir, ...loadSegmentationRun(dir) }));
  const first = runs[0]!.config;
  for (const r of runs) {
    if (canvasKey(r.config) !== canvasKey(first)) {
      throw new UsageError(`${r.dir} was tested on other canvases than ${runs[0]!.dir} (data, size, classes, seed and test size must agree: ${canvasKey(r.config)} vs ${canvasKey(first)})`);
    }
  }
  const test = composedCanvases({ data: first.data, dataDir: args.dataDir, size: first.size, seed: first.seed ?? 1 }, 'test', first.testSize ?? 500);
  const names = runs.map((r) => describeSegmentation(r.config));
  // Two runs of the same configuration are told apart by their directories.
  const columns = names.map((n, i) => (names.indexOf(n) === names.lastIndexOf(n) ? n : `${n} (${basename(runs[i]!.dir)})`));
  const scores = runs.map(({ dir, model, config }, i): RunScores => {
    const loader = new DataLoader(new TensorDataset(test.images, test.masks), { batchSize: 50, transform: standardise(config) });
    const m = evaluate(model, loader, { metrics: [new SegmentationMetrics(config.classes.length)] });
    return { dir, name: columns[i]!, pixelAccuracy: m.pixelAccuracy!, meanAccuracy: m.meanAccuracy!, meanIU: m.meanIU!, frequencyWeightedIU: m.frequencyWeightedIU! };
  });
  const pct = (v: number) => (v * 100).toFixed(2);
  log(`${test.images.shape[0]} test canvases of ${first.data}, ${first.size}x${first.size}; metrics in %`);
  log('| net | pixel acc. | mean acc. | mean IU | f.w. IU |');
  log('|---|---|---|---|---|');
  for (const s of scores) log(`| ${s.name} | ${pct(s.pixelAccuracy)} | ${pct(s.meanAccuracy)} | ${pct(s.meanIU)} | ${pct(s.frequencyWeightedIU)} |`);
  const n = Math.min(args.rows, test.images.shape[0]!);
  const images = test.images.slice([0], [n]);
  const masks = runs.map(({ model, config }) => predict(model, standardise(config)(images)).argmax(1));
  writeSegmentationGrid(
    args.out,
    Array.from({ length: n }, (_, i) => ({ image: images.index(i), truth: test.masks.index(i), predictions: masks.map((m) => m.index(i)) })),
    { classes: first.classes, columns, title: `${first.data} test canvases` },
  );
  log(`wrote ${args.out}`);
  return scores;
}
