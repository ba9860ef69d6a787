/**
 * `nn train char-lstm`: a character-level LSTM language model on a text.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharVocabulary, loadText, sequenceBatch } from '@nn/data';
import { CharLSTM } from '@nn/models';
import { sequenceCrossEntropy } from '@nn/layers-recurrent';
import { Adam, clipGradNorm } from '@nn/optim';
import { noGrad } from '@nn/autograd';
import { dispose, manualSeed, randint, tidy } from '@nn/tensor';
import { saveCheckpoint } from '@nn/train';
import { UsageError } from './args.js';

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
    total += tidy(() => noGrad(() => sequenceCrossEntropy(model.forward(x), y, { reduction: 'sum' }).item()));
    count += y.size;
    dispose([x, y]);
  }
  model.train();
  return total / count / Math.LN2;
}

/** Trains, reports validation bits per character and samples each epoch, saves a checkpoint. Returns the final bits/char. */
export function trainCharLstm(args: CharLstmArgs, log: (line: string) => void = console.log): number {
  manualSeed(args.seed);
  const text = loadText(args.text);
  if (text.length < 10 * args.seq) throw new UsageError(`${args.text} has ${text.length} characters; too short for windows of ${args.seq}`);
  const vocab = new CharVocabulary(text);
  const ids = vocab.encode(text);
  const split = Math.floor(ids.length * 0.9);
  const train = ids.subarray(0, split), valid = ids.subarray(split);
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
        const loss = sequenceCrossEntropy(model.forward(x), y);
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
  saveCheckpoint(args.out, { model, optimizer, epoch: args.epochs, metadata: { 'nn.config': JSON.stringify({ arch: 'char-lstm', vocab: vocab.chars.join(''), hidden: args.hidden, layers: args.layers }) } });
  writeFileSync(join(args.out, 'sample.txt'), vocab.decode(prompt) + sample + '\n');
  log(`validation bits per character: ${bpc.toFixed(3)}; wrote ${join(args.out, 'model.safetensors')} and sample.txt`);
  return bpc;
}
