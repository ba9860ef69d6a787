/**
 * @nn/activations: activation functions as ops and as modules.
 *
 * @example
 * ```ts
 * import { softmax, ReLU } from '@nn/activations';
 * import { tensor } from '@nn/tensor';
 * softmax(tensor([1, 2, 3])).toArray();      // [0.090, 0.245, 0.665]
 * new ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 * @packageDocumentation
 */
export { relu, sigmoid, tanh, leakyRelu, linear, softmax, logSoftmax } from './functional.js';
export { ReLU, Sigmoid, Tanh, LeakyReLU, Softmax, LogSoftmax, activation, type ActivationName } from './modules.js';
