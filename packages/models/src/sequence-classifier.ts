/**
 * A sequence classifier: (optional Embedding) → RNN/LSTM/GRU → Linear on the final state.
 * @module
 */
import { Linear, Module } from '@nn/layers-core';
import { Embedding, GRU, LSTM, RNN } from '@nn/layers-recurrent';
import { concat, type Tensor, ValueError } from '@nn/tensor';

/** Options of {@link SequenceClassifier}. */
export interface SequenceClassifierOptions {
  /** The recurrent cell (default `lstm`). */
  cell?: 'rnn' | 'lstm' | 'gru';
  hiddenSize?: number;
  numLayers?: number;
  bidirectional?: boolean;
  /** Token inputs: the vocabulary size, to put an `Embedding` in front (inputs are then int32 ids [T, N]). */
  vocabSize?: number;
  /** Embedding size when `vocabSize` is given (default 32). */
  embeddingDim?: number;
}

/**
 * Classifies whole sequences from the recurrent layer's final state (both
 * directions' when bidirectional). Inputs are [T, N, features], or int32
 * ids [T, N] with `vocabSize`; `classify(x, lengths)` handles padded
 * batches, so each sequence is read up to its own end.
 */
export class SequenceClassifier extends Module {
  embedding: Embedding | null;
  rnn: RNN | LSTM | GRU;
  head: Linear;

  constructor(readonly inputSize: number, readonly numClasses: number, options: SequenceClassifierOptions = {}) {
    super();
    const { cell = 'lstm', hiddenSize = 64, numLayers = 1, bidirectional = false, vocabSize, embeddingDim = 32 } = options;
    if (!Number.isInteger(numClasses) || numClasses < 2) throw new ValueError(`numClasses must be an integer >= 2, got ${numClasses}`, 'SequenceClassifier');
    this.embedding = vocabSize ? new Embedding(vocabSize, embeddingDim) : null;
    const features = vocabSize ? embeddingDim : inputSize;
    const Layer = cell === 'rnn' ? RNN : cell === 'gru' ? GRU : LSTM;
    this.rnn = new Layer(features, hiddenSize, { numLayers, bidirectional });
    this.head = new Linear(hiddenSize * (bidirectional ? 2 : 1), numClasses);
  }

  /** Logits [N, classes] for sequences of the given lengths (all full when omitted). */
  classify(x: Tensor, lengths?: readonly number[]): Tensor {
    const inputs = this.embedding ? this.embedding.call(x) : x;
    const { h } = this.rnn.forwardWithState(inputs, { lengths });
    const L = this.rnn.numLayers, D = this.rnn.directions;
    // The top layer's final states, one per direction.
    const top = Array.from({ length: D }, (_, d) => h.index((L - 1) * D + d));
    return this.head.call(D === 1 ? top[0]! : concat(top, 1));
  }

  forward(x: Tensor): Tensor {
    return this.classify(x);
  }
}
