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

/**
 * The paper's option-A shortcut as a tfjs layer (tfjs-layers has no Lambda):
 * subsample by `stride` and zero-pad the new channels evenly, NHWC.
 */
class ShortcutA extends tf.layers.Layer {
  static className = 'ShortcutA';
  constructor({ planes, stride, ...config }) {
    super(config);
    this.planes = planes;
    this.stride = stride;
  }
  computeOutputShape(s) {
    return [s[0], Math.ceil(s[1] / this.stride), Math.ceil(s[2] / this.stride), this.planes];
  }
  call(inputs) {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [n, h, w, c] = x.shape;
      // every stride-th pixel, through reshape and slice (tfjs has no gradient for stridedSlice); the sizes here are even
      const s = this.stride;
      if (s > 1) x = tf.slice(x.reshape([n, h / s, s, w / s, s, c]), [0, 0, 0, 0, 0, 0], [n, h / s, 1, w / s, 1, c]).reshape([n, h / s, w / s, c]);
      const extra = this.planes - c;
      return extra > 0 ? tf.pad(x, [[0, 0], [0, 0], [0, 0], [Math.floor(extra / 2), extra - Math.floor(extra / 2)]]) : x;
    });
  }
  getConfig() {
    return { ...super.getConfig(), planes: this.planes, stride: this.stride };
  }
}
tf.serialization.registerClass(ShortcutA);

/** ResNet-20 as @nn/models' cifarResNet(20, { inChannels: 1 }): 3x3 convs with batch norm, option-A shortcuts, NHWC 28x28x1 -> 10 logits. */
export function tfResNet20() {
  const conv = (filters, strides) => tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, kernelInitializer: 'heNormal' });
  const input = tf.input({ shape: [28, 28, 1] });
  let x = tf.layers.reLU().apply(tf.layers.batchNormalization().apply(conv(16, 1).apply(input)));
  let inPlanes = 16;
  for (const [planes, stride] of [[16, 1], [32, 2], [64, 2]]) {
    for (let i = 0; i < 3; i++) {
      const s = i === 0 ? stride : 1;
      let y = tf.layers.reLU().apply(tf.layers.batchNormalization().apply(conv(planes, s).apply(x)));
      y = tf.layers.batchNormalization().apply(conv(planes, 1).apply(y));
      const shortcut = s !== 1 || inPlanes !== planes ? new ShortcutA({ planes, stride: s }).apply(x) : x;
      x = tf.layers.reLU().apply(tf.layers.add().apply([y, shortcut]));
      inPlanes = planes;
    }
  }
  const logits = tf.layers.dense({ units: 10 }).apply(tf.layers.globalAveragePooling2d({}).apply(x));
  return tf.model({ inputs: input, outputs: logits });
}
