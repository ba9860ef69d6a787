/**
 * LeNet-5 (LeCun et al. 1998), on 28x28 inputs.
 * @module
 */
import { activation } from '@nn/activations';
import { AvgPool2d, Conv2d, MaxPool2d } from '@nn/layers-conv';
import { Flatten, Linear, type Module, Sequential } from '@nn/layers-core';

/** Options of {@link lenet5}. */
export interface LeNetOptions {
  /** Activation after each conv and hidden fc layer: `relu` (default) or the original `tanh`/`sigmoid`. */
  activation?: 'relu' | 'tanh' | 'sigmoid';
  /** Subsampling: `max` (default) or the original `avg`. */
  pooling?: 'max' | 'avg';
  /** Classes (default 10). */
  classes?: number;
  /** Input channels (default 1). */
  inChannels?: number;
}

/**
 * LeNet-5: conv 5x5x6 (padding 2, so 28x28 inputs keep the original 32x32
 * geometry) → pool 2 → conv 5x5x16 → pool 2 → fc 120 → fc 84 → fc 10.
 * 61,706 parameters for one input channel and 10 classes.
 */
export function lenet5({ activation: act = 'relu', pooling = 'max', classes = 10, inChannels = 1 }: LeNetOptions = {}): Sequential {
  const pool = (): Module => (pooling === 'max' ? new MaxPool2d(2) : new AvgPool2d(2));
  return new Sequential(
    new Conv2d(inChannels, 6, 5, { padding: 2 }),
    activation(act),
    pool(),
    new Conv2d(6, 16, 5),
    activation(act),
    pool(),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    activation(act),
    new Linear(120, 84),
    activation(act),
    new Linear(84, classes),
  );
}
