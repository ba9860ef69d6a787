/**
 * `mlp`: a multi-layer perceptron from a list of layer sizes.
 * @module
 */
import { activation, type ActivationName } from '@nn/activations';
import { Dropout, Flatten, Linear, type Module, Sequential } from '@nn/layers-core';
import { ValueError } from '@nn/tensor';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Hidden-layer activation (default `relu`). */
  activation?: ActivationName;
  /** Dropout probability after each hidden activation (default 0: none). */
  dropout?: number;
  /** An activation after the last layer (default none: logits). */
  outputActivation?: ActivationName;
}

/**
 * A fully connected network: `mlp([784, 256, 10])` is Flatten → Linear(784,
 * 256) → ReLU → Linear(256, 10). The input is flattened from dim 1, so image
 * batches `[N, 1, 28, 28]` go in as they are. The output is logits unless
 * `outputActivation` is given.
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new ValueError(`sizes must list at least two positive integers (input and output), got [${sizes.join(', ')}]`, 'mlp');
  }
  const { activation: hidden = 'relu', dropout = 0, outputActivation } = options;
  const layers: Module[] = [new Flatten()];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!));
    const last = i + 2 === sizes.length;
    if (!last) {
      layers.push(activation(hidden));
      if (dropout > 0) layers.push(new Dropout(dropout));
    } else if (outputActivation) layers.push(activation(outputActivation));
  }
  return new Sequential(...layers);
}
