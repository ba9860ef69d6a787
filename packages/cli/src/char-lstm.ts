/**
 * `nn train char-lstm`: a character-level LSTM language model on a text.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CharVocabulary, loadText, sequenceBatch } from '@nn/data';
import { CharLSTM, describeModel } from '@nn/models';
import { sequenceCrossEntropy } from '@nn/layers-recurrent';
import { Adam, clipGradNorm } from '@nn/optim';
import { noGrad } from '@nn/autograd';
import { dispose, manualSeed, randint, type Tensor, tidy } from '@nn/tensor';
import { saveCheckpoint } from '@nn/train';
import { type EvalArgs, UsageError } from './args.js';
import { prepareOutDir } from './out-dir.js';

/** Options of `nn train char-lstm`. */
export interface CharLstmArgs {
  text: string;
  epochs: number;
  seq: number;
  batch: number;
  hidden: number;
  layers: number;
  lr: number;
  seed: number;
  out: string;
  /** Batches per epoch (default: one pass over the training text in windows). */
  steps: number | undefined;
}

/** Validation bits per character over consecutive windows of the held-out text. */
function bitsPerChar(model: CharLSTM, ids: Int32Array, seq: number, batch: number): number {
  const windows = Math.floor((ids.length - 1) / seq);
  if (windows < 1) throw new UsageError(`the validation text (${ids.length} characters) is shorter than one window of ${seq}`);
  let total = 0, count = 0;
  model.eval();
  for (let w0 = 0; w0 < windows; w0 += batch) {
    const starts = Array.from({ length: Math.min(batch, windows - w0) }, (_, k) => (w0 + k) * seq);
    const { x, y } = sequenceBatch(ids, starts, seq);
    total += tidy(() => noGrad(() => sequenceCrossEntropy(model.call(x), y, { reduction: 'sum' }).item()));
    count += y.size;
    dispose([x, y]);
  }
  model.train();
  return total / count / Math.LN2;
}

/** What a char-lstm checkpoint stores to be rebuilt and evaluated. */
interface CharLstmConfig {
  arch: 'char-lstm';
  vocab: string;
  hidden: number;
  layers: number;
  /** The text trained on, and the window length (absent in checkpoints from before nn eval read them). */
  text?: string;
  seq?: number;
}

/** The training and held-out (last 10%) parts of a text, as ids. */
function splitText(ids: Int32Array): { train: Int32Array; valid: Int32Array; split: number } {
  const split = Math.floor(ids.length * 0.9);
  return { train: ids.subarray(0, split), valid: ids.subarray(split), split };
}

/** Trains, reports validation bits per character and samples each epoch, saves a checkpoint. Returns the final bits/char. */
export function trainCharLstm(args: CharLstmArgs, log: (line: string) => void = console.log): number {
  prepareOutDir(args.out);
  manualSeed(args.seed);
  const text = loadText(args.text);
  if (text.length < 10 * args.seq) throw new UsageError(`${args.text} has ${text.length} characters; too short for windows of ${args.seq}`);
  const vocab = new CharVocabulary(text);
  const ids = vocab.encode(text);
  const { train, valid, split } = splitText(ids);
  const model = new CharLSTM(vocab.size, { hiddenSize: args.hidden, numLayers: args.layers });
  const optimizer = new Adam(model.parameters(), { lr: args.lr });
  const steps = args.steps ?? Math.max(1, Math.floor(train.length / (args.seq * args.batch)));
  log(`nn train char-lstm on ${args.text}: ${text.length.toLocaleString('en-US')} characters (${train.length.toLocaleString('en-US')} train / ${valid.length.toLocaleString('en-US')} validation), vocabulary ${vocab.size}, LSTM ${args.layers}x${args.hidden}, windows of ${args.seq}, batch ${args.batch}, ${steps} steps per epoch, seed ${args.seed}`);
  let bpc = NaN;
  const prompt = Array.from(vocab.encode(Array.from(text.slice(split, split + 40)).join(''))).slice(0, 20);
  for (let epoch = 0; epoch < args.epochs; epoch++) {
    const start = performance.now();
    let lossSum = 0;
    for (let s = 0; s < steps; s++) {
      const starts = randint(0, train.length - args.seq - 1, [args.batch]).dataSync();
      const { x, y } = sequenceBatch(train, starts, args.seq);
      lossSum += tidy(() => {
        const loss = sequenceCrossEntropy(model.call(x), y);
        loss.backward();
        return loss.item();
      });
      clipGradNorm(model.parameters(), 5);
      optimizer.step();
      optimizer.zeroGrad();
      dispose([x, y]);
    }
    bpc = bitsPerChar(model, valid, args.seq, args.batch);
    const seconds = (performance.now() - start) / 1000;
    log(`epoch ${epoch + 1}/${args.epochs}: train ${(lossSum / steps / Math.LN2).toFixed(3)} bits/char, validation ${bpc.toFixed(3)} bits/char (${seconds.toFixed(0)}s, ${Math.round((steps * args.batch * args.seq) / seconds)} chars/s)`);
  }
  const sample = vocab.decode(model.generate(prompt, { length: 300, temperature: 0.7, seed: args.seed }));
  log(`sample (temperature 0.7) after ${JSON.stringify(vocab.decode(prompt))}:\n${vocab.decode(prompt)}${sample}`);
  saveCheckpoint(args.out, { model, optimizer, epoch: args.epochs, metadata: { 'nn.config': JSON.stringify({ arch: 'char-lstm', vocab: vocab.chars.join(''), hidden: args.hidden, layers: args.layers, text: resolve(args.text), seq: args.seq } satisfies CharLstmConfig), 'nn.model': describeModel(model) } });
  writeFileSync(join(args.out, 'sample.txt'), vocab.decode(prompt) + sample + '\n');
  log(`validation bits per character: ${bpc.toFixed(3)}; wrote ${join(args.out, 'model.safetensors')} and sample.txt`);
  return bpc;
}

/**
 * `nn eval` of a char-lstm run: bits per character on the held-out last 10%
 * of the text it was trained on (or of `--text`).
 */
export function evalCharLstm(args: EvalArgs, config: { arch: 'char-lstm' }, weights: Record<string, Tensor>, log: (line: string) => void): number {
  const { vocab: chars, hidden, layers, text: trainedOn, seq = 64 } = config as CharLstmConfig;
  const path = args.text ?? trainedOn;
  if (path === undefined) throw new UsageError(`${args.dir} does not record the text it was trained on: pass --text FILE`);
  const vocab = new CharVocabulary(Array.from(chars));
  const text = loadText(path);
  const unknown = [...new Set(text)].filter((c) => !chars.includes(c));
  if (unknown.length > 0) throw new UsageError(`${path} has characters the model never saw (${JSON.stringify(unknown.slice(0, 10).join(''))}): evaluate on a text with its vocabulary`);
  const model = new CharLSTM(vocab.size, { hiddenSize: hidden, numLayers: layers });
  model.loadStateDict(weights);
  const bpc = bitsPerChar(model, splitText(vocab.encode(text)).valid, seq, args.batch);
  log(`${args.dir}: char-lstm ${layers}x${hidden} on ${path} (held-out last 10%): ${bpc.toFixed(3)} bits per character`);
  return bpc;
}
