/**
 * @nn/models: ready-made networks.
 *
 * @example
 * ```ts
 * import { mlp } from '@nn/models';
 * const model = mlp([784, 256, 10], { activation: 'relu' });
 * console.log(model.summary([1, 784]));
 * ```
 * @packageDocumentation
 */
export { mlp, type MlpOptions } from './mlp.js';
