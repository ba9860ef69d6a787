/**
 * @nn/hopfield: the classical Hopfield network (bipolar units, Hebbian and
 * pseudo-inverse storage, asynchronous and synchronous recall with the
 * energy per sweep) and the modern continuous Hopfield layer.
 *
 * @example
 * ```ts
 * import { HopfieldNetwork } from '@nn/hopfield';
 * const net = new HopfieldNetwork(4).storeHebbian([[1, -1, 1, -1]]);
 * net.recall([1, 1, 1, -1]).state;   // Int8Array [1, -1, 1, -1]
 * ```
 * @packageDocumentation
 */
export { HopfieldNetwork, type Recall, type RecallOptions } from './hopfield-network.js';
export { ModernHopfield, hopfieldRetrieve } from './modern-hopfield.js';
