/**
 * @nn/layers-recurrent: Elman RNN, LSTM, GRU and IndRNN cells and layers (stacked,
 * bidirectional, masked), `Embedding`, the sequence cross-entropy and
 * truncated BPTT.
 *
 * @example
 * ```ts
 * import { LSTM } from '@nn/layers-recurrent';
 * import { randn } from '@nn/tensor';
 * const lstm = new LSTM(8, 16, { numLayers: 2, batchFirst: true });
 * const { output, h, c } = lstm.forwardWithState(randn([4, 10, 8]));
 * output.shape; // [4, 10, 16]
 * ```
 * @packageDocumentation
 */
export { RNNCell, LSTMCell, GRUCell, IndRNNCell, RecurrentCell, affine, chunks, type RnnNonlinearity, type RNNOptions, type IndRNNOptions } from './cells.js';
// torchStateDict / loadTorchStateDict are @nn/layers-core's, general to every module; re-exported where they started.
export { torchStateDict, loadTorchStateDict } from '@nn/layers-core';
export { RNN, LSTM, GRU, IndRNN, type RecurrentOptions, type RecurrentResult, type RecurrentInputs, type RecurrentState } from './layers.js';
export { Embedding } from './embedding.js';
export { recurrentPlugin, lstmCellUpdate, gruCellUpdate, indRnnCellUpdate } from './fused.js';
export { sequenceCrossEntropy, detachState } from './sequence-loss.js';
export { EchoStateNetwork, spectralRadius, type EchoStateOptions } from './echo-state.js';
