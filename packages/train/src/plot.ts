/**
 * Training curves as pictures, drawn by Vega-Lite and rendered headless by
 * Vega to SVG (or HTML with the SVG inside).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ValueError } from '@nn/tensor';
import type { History } from './history.js';

/** A named series of y values (x is the index, from 1, unless `x` is given). */
export interface Series {
  name: string;
  values: readonly number[];
  x?: readonly number[];
}

/** Options of {@link plotSeries}. */
export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Logarithmic y axis (losses spanning decades). */
  logY?: boolean;
  width?: number;
  height?: number;
}

/** A Vega-Lite line chart of several series. */
export function seriesSpec(series: readonly Series[], { title, xLabel = 'epoch', yLabel = 'value', logY = false, width = 480, height = 280 }: PlotOptions = {}): TopLevelSpec {
  const values = series.flatMap((s) => s.values.map((y, i) => ({ x: s.x?.[i] ?? i + 1, y, series: s.name }))).filter((d) => Number.isFinite(d.y) && (!logY || d.y > 0));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(title ? { title } : {}),
    width,
    height,
    data: { values },
    mark: { type: 'line', point: values.length <= 200 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xLabel, ...(xLabel === 'epoch' ? { axis: { tickMinStep: 1 } } : {}) },
      y: { field: 'y', type: 'quantitative', title: yLabel, scale: logY ? { type: 'log' } : { zero: false } },
      // labelLimit 0: legend labels are never cut off ("baseline (predict ...").
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 0 } },
    },
  };
}

/** Renders a Vega-Lite spec to an SVG string, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A picture shown below a chart in its HTML file. */
export interface Figure {
  /** The caption under the picture. */
  caption: string;
  /** PNG bytes (inlined as a data URL, so the HTML stays one file). */
  png: Uint8Array;
}

/** Writes a chart to `path` (creating its folder): SVG, or HTML with the SVG inline, and any `figures` below it, when the path ends in `.html`. */
export async function writeChart(spec: TopLevelSpec, path: string, figures: readonly Figure[] = []): Promise<void> {
  const svg = await renderSvg(spec);
  const title = typeof spec.title === 'string' ? spec.title : 'nn';
  const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const images = figures.map((f) => `<figure><img alt="${escape(f.caption)}" src="data:image/png;base64,${Buffer.from(f.png).toString('base64')}"><figcaption>${escape(f.caption)}</figcaption></figure>\n`).join('');
  if (figures.length > 0 && !path.endsWith('.html')) throw new ValueError(`figures go into an HTML report; ${path} is not .html`, 'writeChart');
  const content = path.endsWith('.html')
    ? `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body>\n${svg}\n${images}</body></html>\n`
    : svg;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Plots series (e.g. three loss curves) to an SVG or HTML file. */
export async function plotSeries(series: readonly Series[], path: string, options: PlotOptions = {}): Promise<void> {
  if (series.length === 0) throw new ValueError('nothing to plot', 'plotSeries');
  await writeChart(seriesSpec(series, options), path);
}

/**
 * Plots a training history: losses (train and validation) and accuracies
 * (and IU metrics) side by side, to SVG or HTML; an HTML report shows
 * `figures` (e.g. predicted masks) below the curves.
 */
export async function plotHistory(history: History, path: string, { title = 'Training curves', figures = [] }: { title?: string; figures?: readonly Figure[] } = {}): Promise<void> {
  const epochs = history.get('epoch').map((e) => e + 1);
  const pick = (keys: string[]) => keys.filter((k) => history.get(k).length > 0).map((k) => ({ name: k, values: history.get(k), x: epochs }));
  const losses = pick(['loss', 'valLoss']);
  const accuracies = pick(history.keys().filter((k) => /accuracy|^top|^valTop|IU$/i.test(k)));
  if (losses.length === 0) throw new ValueError('the history has no loss to plot', 'plotHistory');
  const scoresLabel = accuracies.some((a) => a.name.endsWith('IU')) ? 'accuracy and IU' : 'accuracy';
  const charts = [seriesSpec(losses, { title: 'loss', yLabel: 'loss' }), ...(accuracies.length ? [seriesSpec(accuracies, { title: scoresLabel, yLabel: scoresLabel })] : [])];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    hconcat: charts.map(({ $schema: _, ...c }) => c),
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
  await writeChart(spec, path, figures);
}
