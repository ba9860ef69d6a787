/**
 * `Sequential`: modules applied one after another.
 * @module
 */
import type { FusedActivation, Tensor } from '@nn/tensor';
import { Module } from '../module.js';

/**
 * Applies its modules in order. Their parameters are named `0.weight`,
 * `1.bias`, ... as in PyTorch.
 *
 * The layers are the constructor's arguments, not an array (PyTorch's
 * `nn.Sequential(a, b)`; Keras's `tf.sequential({ layers: [...] })` form is
 * written `new Sequential(...layers)`). A module runs with `forward(x)`:
 *
 * @example
 * ```ts
 * const net = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
 * const logits = net.forward(x);          // [N, 10]
 * net.layers[0];                          // the first Linear
 * ```
 */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  /**
   * Runs the layers in order, each through `call`. A layer followed by a
   * pointwise activation module (ReLU, Tanh, ...) runs as one fused op,
   * layer and activation together, unless either has forward hooks; so do
   * pairs that fuse ({@link Module#fuseWithNext}: a convolution and its
   * batch norm), with the activation after them. The result is that of
   * running them one by one, up to float rounding.
   */
  forward(x: Tensor): Tensor {
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const pair = i + 1 < layers.length && !layer.hasForwardHooks() && !layers[i + 1]!.hasForwardHooks() ? layer.fuseWithNext(layers[i + 1]!) : undefined;
      if (pair !== undefined) {
        const after = layers[i + 2];
        const activation = after !== undefined && !after.hasForwardHooks() && runsOwnForward(after, 'fusedActivation') ? after.fusedActivation() : undefined;
        x = pair(x, activation ?? null);
        i += activation !== undefined ? 2 : 1;
        continue;
      }
      const activation = i + 1 < layers.length ? fusable(layer, layers[i + 1]!) : undefined;
      if (activation !== undefined) {
        x = layer.forwardActivated(x, activation);
        i++;
      } else {
        x = layer.call(x);
      }
    }
    return x;
  }
}

/**
 * The activation `next` lets `layer` fuse: not when either has hooks (they
 * must see each module's own call), and only when both run the `forward` of
 * the class that offers fusion: a subclass that overrides `forward`, or an
 * instance given its own, is run as written.
 */
function fusable(layer: Module, next: Module): FusedActivation | undefined {
  if (layer.hasForwardHooks() || next.hasForwardHooks()) return undefined;
  const activation = next.fusedActivation();
  if (activation === undefined || !runsOwnForward(layer, 'forwardActivated') || !runsOwnForward(next, 'fusedActivation')) return undefined;
  return activation;
}

/** True when `m.forward` is the one defined by the class that defines `method` (or an ancestor of it). */
function runsOwnForward(m: Module, method: 'forwardActivated' | 'fusedActivation'): boolean {
  if (Object.hasOwn(m, 'forward')) return false;
  let proto: object | null = Object.getPrototypeOf(m);
  while (proto !== null && !Object.hasOwn(proto, method)) proto = Object.getPrototypeOf(proto);
  return proto !== null && (proto as Module).forward === m.forward;
}
