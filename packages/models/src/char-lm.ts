/**
 * A character-level language model: Embedding → LSTM → Linear.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { Linear, Module } from '@nn/layers-core';
import { Embedding, LSTM } from '@nn/layers-recurrent';
import { manualSeed, rand, tensor, type Tensor, tidy, ValueError } from '@nn/tensor';

/** Sizes of {@link CharLSTM}. */
export interface CharLSTMOptions {
  embeddingDim?: number;
  hiddenSize?: number;
  numLayers?: number;
  dropout?: number;
}

/** Predicts the next character from the previous ones. */
export class CharLSTM extends Module {
  embedding: Embedding;
  lstm: LSTM;
  head: Linear;

  constructor(readonly vocabSize: number, { embeddingDim = 32, hiddenSize = 128, numLayers = 1, dropout = 0 }: CharLSTMOptions = {}) {
    super();
    this.embedding = new Embedding(vocabSize, embeddingDim);
    this.lstm = new LSTM(embeddingDim, hiddenSize, { numLayers, dropout });
    this.head = new Linear(hiddenSize, vocabSize);
  }

  /** Logits [T, N, vocab] for ids [T, N]. */
  forward(ids: Tensor): Tensor {
    return this.head.call(this.lstm.call(this.embedding.call(ids)));
  }

  /**
   * Continues `prompt` (token ids) by `length` sampled tokens: logits divided
   * by `temperature` (lower is more conservative), sampled with `seed`.
   */
  generate(prompt: readonly number[], { length = 200, temperature = 1, seed = 0 }: { length?: number; temperature?: number; seed?: number } = {}): number[] {
    if (prompt.length === 0) throw new ValueError('needs a non-empty prompt', 'CharLSTM.generate');
    if (!(temperature > 0)) throw new ValueError(`temperature must be positive, got ${temperature}`, 'CharLSTM.generate');
    const wasTraining = this.training;
    this.eval();
    manualSeed(seed);
    const out: number[] = [];
    try {
      noGrad(() => {
        let state = tidy(() => {
          const r = this.lstm.forwardWithState(this.embedding.call(tensor(Int32Array.from(prompt), [prompt.length, 1], 'int32')));
          return { h: r.h, c: r.c!, last: this.head.call(r.output.index(prompt.length - 1)) };
        });
        for (let i = 0; i < length; i++) {
          const probs = tidy(() => state.last.div(temperature).sub(state.last.div(temperature).max(-1, true)).exp()).dataSync();
          let total = 0;
          for (const p of probs) total += p;
          let u = rand([1]).item() * total, next = probs.length - 1;
          for (let k = 0; k < probs.length; k++) if ((u -= probs[k]!) <= 0) { next = k; break; }
          out.push(next);
          const previous = state;
          state = tidy(() => {
            const r = this.lstm.forwardWithState(this.embedding.call(tensor(Int32Array.from([next]), [1, 1], 'int32')), { h0: previous.h, c0: previous.c });
            return { h: r.h, c: r.c!, last: this.head.call(r.output.index(0)) };
          });
          for (const t of [previous.h, previous.c, previous.last]) t.dispose();
        }
        for (const t of [state.h, state.c, state.last]) t.dispose();
      });
    } finally {
      this.train(wasTraining);
    }
    return out;
  }
}
