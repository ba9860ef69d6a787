/**
 * `nn export DIR --onnx FILE`: a trained run as an ONNX model that takes
 * raw inputs (the run's standardisation and padding are part of the
 * graph); `nn run FILE --input ...`: inference of any ONNX model with nn.
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { noGrad } from '@nn/autograd';
import { maskToPng, readPngImages } from '@nn/data';
import { loadSafetensors } from '@nn/io';
import { Module } from '@nn/layers-core';
import { loadModel } from '@nn/models';
import { exportOnnx, importOnnx, OPSETS } from '@nn/onnx';
import { softmax } from '@nn/activations';
import { randint, randn, type Tensor, tidy } from '@nn/tensor';
import { number, parse, UsageError } from './args.js';

/** Options of `nn export`. */
export interface ExportArgs {
  dir: string;
  onnx: string;
  opset: number;
}

/** Parses the arguments after `nn export`. */
export function parseExportArgs(args: string[]): ExportArgs {
  const { values, positionals } = parse(args, { onnx: { type: 'string' }, opset: { type: 'string' } });
  const v = values as Record<string, string | undefined>;
  if (positionals.length !== 1) throw new UsageError('nn export takes one run directory (nn export DIR --onnx FILE [--opset N])');
  if (v.onnx === undefined) throw new UsageError('--onnx FILE is required (where to write the model)');
  const opset = number('opset', v.opset, OPSETS.default, true);
  if (opset < OPSETS.min || opset > OPSETS.max) throw new UsageError(`--opset must be from ${OPSETS.min} to ${OPSETS.max}, got ${opset}`);
  return { dir: positionals[0]!, onnx: v.onnx, opset };
}

/** The run's preprocessing in front of its model, so that the exported graph reads raw pixels. */
class WithPreprocessing extends Module {
  constructor(readonly model: Module, readonly mean: number, readonly std: number, readonly padding: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    const z = x.sub(this.mean).div(this.std);
    const p = this.padding;
    return this.model.call(p === 0 ? z : z.pad([[0, 0], [0, 0], [p, p], [p, p]]));
  }
}

interface RunConfig {
  arch: string;
  mean?: number;
  std?: number;
  size?: number;
  vocab?: string;
}

/** `nn export`: writes the run's model as ONNX; returns what the graph takes. */
export function exportRun(args: ExportArgs, log: (line: string) => void = console.log): string {
  const file = join(args.dir, 'model.safetensors');
  if (!existsSync(file)) throw new UsageError(`no model.safetensors in ${args.dir} (train one with: nn train lenet --data mnist --out ${args.dir})`);
  const config = JSON.parse(loadSafetensors(file).metadata['nn.config'] ?? 'null') as RunConfig | null;
  if (config === null) throw new UsageError(`${file} has no nn configuration in its metadata (was it written by nn train?)`);
  const model = loadModel(args.dir);
  let graph: Module, example: Tensor, takes: string, doc: string;
  if (config.arch === 'char-lstm') {
    graph = model;
    example = randint(0, Math.max(1, (config.vocab ?? ' ').length), [16, 1]);
    takes = 'input: int32 character ids [time, batch] (the vocabulary is in the model\'s metadata); output: next-character logits [time, batch, vocab]';
    doc = JSON.stringify({ vocab: config.vocab });
  } else {
    const size = config.size ?? 28;
    const padding = config.arch === 'vgg-small' || config.arch === 'googlenet-small' ? 2 : 0;
    graph = new WithPreprocessing(model, config.mean ?? 0, config.std ?? 1, padding);
    example = randn([1, 1, size, size]);
    const segmentation = config.size !== undefined;
    takes = `input: float32 images [batch, 1, ${size}, ${size}] with values in [0, 1] (standardisation${padding ? ' and padding' : ''} inside); output: ${segmentation ? `per-pixel class scores [batch, classes, ${size}, ${size}]` : 'class logits [batch, 10]'}`;
    doc = JSON.stringify({ arch: config.arch });
  }
  const bytes = tidy(() => exportOnnx(graph, example, { opset: args.opset, docString: doc, ...(config.arch === 'char-lstm' ? { dynamicAxes: { input: { 0: 'time', 1: 'batch' }, output: { 0: 'time', 1: 'batch' } } } : {}) }));
  writeFileSync(args.onnx, bytes);
  log(`wrote ${args.onnx} (${(bytes.length / 1e6).toFixed(2)} MB, opset ${args.opset}): ${takes}`);
  return takes;
}

/** Options of `nn run`. */
export interface RunArgs {
  model: string;
  inputs: string[];
  out: string | undefined;
  top: number;
}

/** Parses the arguments after `nn run`. */
export function parseRunArgs(args: string[]): RunArgs {
  const { values, positionals } = parse(args, { input: { type: 'string', multiple: true }, out: { type: 'string' }, top: { type: 'string' } });
  const v = values as { input?: string[]; out?: string; top?: string };
  if (positionals.length !== 1) throw new UsageError('nn run takes one ONNX file (nn run MODEL.onnx --input FILE|DIR ...)');
  if (!v.input?.length) throw new UsageError('--input FILE|DIR is required (PNG images, or directories of them)');
  return { model: positionals[0]!, inputs: v.input, out: v.out, top: number('top', v.top, 3, true) };
}

/** One image's result of `nn run`: the top classes, or the mask file written. */
export interface RunResult {
  file: string;
  top?: { class: number; probability: number }[];
  mask?: string;
}

/**
 * `nn run`: runs an ONNX model on PNG images with nn. A classifier's
 * output ([batch, classes]) prints the top classes with their softmax
 * probabilities; a segmentation's ([batch, classes, H, W]) writes a mask
 * PNG per image to --out.
 */
export function runOnnx(args: RunArgs, log: (line: string) => void = console.log): RunResult[] {
  if (!existsSync(args.model)) throw new UsageError(`${args.model} does not exist`);
  const model = importOnnx(args.model);
  const spec = model.inputs[0];
  if (model.inputs.length !== 1 || spec === undefined || spec.dims.length !== 4) throw new UsageError(`nn run feeds images ([batch, channels, H, W]); ${args.model} takes ${model.inputs.map((i) => `${i.name} [${i.dims.join(', ')}]`).join(', ')}`);
  const channels = spec.dims[1] === 3 ? 3 : 1;
  const { images, files } = readPngImages(args.inputs, channels);
  const out = noGrad(() => model.call(images));
  log(`${basename(args.model)} (${model.producer || 'unknown producer'}, opset ${model.opset}) on ${files.length} image${files.length === 1 ? '' : 's'}, ${model.inputs[0]!.dims.length ? `input [${spec.dims.join(', ')}]` : ''}`);
  if (out.rank === 2) {
    const probs = softmax(out, 1).dataSync() as Float32Array;
    const K = out.shape[1]!;
    return files.map((file, i) => {
      const row = Array.from(probs.subarray(i * K, (i + 1) * K));
      const top = row.map((p, k) => ({ class: k, probability: p })).sort((a, b) => b.probability - a.probability).slice(0, Math.min(args.top, K));
      log(`${basename(file)}: ${top.map((t) => `${t.class} (${(t.probability * 100).toFixed(1)}%)`).join(', ')}`);
      return { file, top };
    });
  }
  if (out.rank === 4) {
    const dir = args.out ?? 'masks';
    mkdirSync(dir, { recursive: true });
    const masks = out.argmax(1);
    return files.map((file, i) => {
      const mask = join(dir, basename(file));
      writeFileSync(mask, maskToPng(masks.index(i)));
      log(`${basename(file)}: mask written to ${mask}`);
      return { file, mask };
    });
  }
  throw new UsageError(`the model's output is [${out.shape.join(', ')}]: nn run reads class scores [batch, classes] or per-pixel scores [batch, classes, H, W]`);
}
