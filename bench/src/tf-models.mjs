/**
 * The peer's versions of our models, built with tfjs-layers, for the
 * benchmarks that compare them.
 */
import * as tf from '@tensorflow/tfjs';

/** LeNet-5 as @nn/models' lenet5 (ReLU, max pooling), NHWC: 28x28x1 -> 10 logits. */
export function tfLenet5() {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu' }),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}
