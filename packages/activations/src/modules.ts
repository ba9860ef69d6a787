/**
 * Activation modules, for `Sequential` and model builders.
 * @module
 */
import { Module } from '@nn/layers-core';
import { type Tensor, ValueError } from '@nn/tensor';
import * as F from './functional.js';

/** ReLU as a module. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

/** Sigmoid as a module. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

/** Tanh as a module. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

/** Leaky ReLU as a module. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
}

/** Softmax over `axis` as a module. */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softmax(x, this.axis);
  }
}

/** Log-softmax over `axis` as a module. */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.axis);
  }
}

/** Names accepted by {@link activation}. */
export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu';

const BY_NAME: Record<ActivationName, () => Module> = {
  relu: () => new ReLU(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  leakyRelu: () => new LeakyReLU(),
};

/** An activation module by name. */
export function activation(name: ActivationName): Module {
  const make = BY_NAME[name];
  if (make === undefined) throw new ValueError(`unknown activation '${String(name)}' (known: ${Object.keys(BY_NAME).join(', ')})`, 'activation');
  return make();
}
