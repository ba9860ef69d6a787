/**
 * @nn/layers-core: `Module`, `Parameter`, the basic layers (`Linear`,
 * `Sequential`, `Dropout`, `Flatten`, `Identity`), initialisers and losses.
 *
 * @example
 * ```ts
 * import { Linear, Sequential, Flatten, crossEntropy } from '@nn/layers-core';
 * import { randn, tensor } from '@nn/tensor';
 *
 * const net = new Sequential(new Flatten(), new Linear(784, 10));
 * const loss = crossEntropy(net.call(randn([2, 28, 28])), tensor([3, 7], undefined, 'int32'));
 * loss.backward();
 * console.log(net.summary([1, 28, 28]));
 * ```
 * @packageDocumentation
 */
export { Module, type StateDict, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './module.js';
export { Parameter } from './parameter.js';
export { StateDictError } from './errors.js';
export { summary } from './summary.js';
export { failingLayer, type FailingLayer, withLayerContext } from './failing-layer.js';
export { torchStateDict, loadTorchStateDict, torchKeyMap, snakeCase } from './torch-state-dict.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Sequential } from './layers/sequential.js';
export { Dropout } from './layers/dropout.js';
export { Flatten, Identity } from './layers/flatten.js';
export * as init from './init.js';
export { type KaimingOptions } from './init.js';
export { mseLoss, l1Loss, smoothL1Loss } from './losses/regression.js';
export {
  crossEntropy,
  nllLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  hingeLoss,
  logSoftmax,
  type CrossEntropyOptions,
  type NllLossOptions,
  type HingeLossOptions,
} from './losses/classification.js';
export { type Reduction } from './losses/reduction.js';
