/**
 * `Module`: the base of every layer and model, after PyTorch's `nn.Module`.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { applyActivation, type FusedActivation, fmtShape, type Tensor, Tensor as TensorClass, ValueError } from '@nn/tensor';
import { StateDictError } from './errors.js';
import { noteFailure } from './failing-layer.js';
import { Parameter } from './parameter.js';
import { summary } from './summary.js';

/** A module's state: parameter and buffer tensors by dotted name (`0.weight`). */
export type StateDict = Record<string, Tensor>;

/** Runs before `forward` in {@link Module#call}; returning inputs replaces them. */
export type ForwardPreHook = (module: Module, inputs: Tensor[]) => Tensor[] | void;

/** Runs after `forward` in {@link Module#call}; returning a tensor replaces the output. */
export type ForwardHook = (module: Module, inputs: Tensor[], output: Tensor) => Tensor | void;

/** What registering a hook returns: `remove()` takes the hook off again. */
export interface RemovableHandle {
  remove(): void;
}

/**
 * The base class of layers and models. Parameters and sub-modules are
 * registered by assigning them to properties (arrays of modules count too);
 * `forward` computes the output.
 *
 * @example
 * ```ts
 * class TwoLayer extends Module {
 *   fc1 = new Linear(784, 256);
 *   fc2 = new Linear(256, 10);
 *   forward(x: Tensor) { return this.fc2.call(this.fc1.call(x).relu()); }
 * }
 * const net = new TwoLayer();
 * net.parameters().length; // 4
 * ```
 */
/** Keys a state-dict error lists one by one; more are summarised by module. */
const MAX_LISTED = 12;

/** Lists keys, or for long lists their count and the modules they are under (`layer1.2`, ...). */
function listKeys(keys: readonly string[]): string {
  if (keys.length <= MAX_LISTED) return keys.join(', ');
  const modules = [...new Set(keys.map((k) => k.split('.').slice(0, -1).slice(0, 2).join('.') || k))];
  const shown = modules.slice(0, MAX_LISTED).join(', ');
  return `${keys.length} keys under ${shown}${modules.length > MAX_LISTED ? ` and ${modules.length - MAX_LISTED} more modules` : ''}`;
}

export abstract class Module {
  /** True in training mode (dropout active, ...); switch with `train()` / `eval()`. */
  training = true;
  private readonly bufferNames = new Set<string>();
  private readonly optionalBufferNames = new Set<string>();
  private readonly preHooks = new Set<ForwardPreHook>();
  private readonly postHooks = new Set<ForwardHook>();

  /** Computes the module's output. Call modules through {@link Module#call}, which runs the hooks too. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /**
   * Runs the module: its forward pre-hooks, `forward`, then its forward
   * hooks (PyTorch's `module(x)`). Layers and models call their sub-modules
   * this way, so hooks see every call.
   */
  call(...inputs: Tensor[]): Tensor {
    for (const hook of this.preHooks) inputs = hook(this, inputs) ?? inputs;
    let output: Tensor;
    try {
      output = this.forward(...inputs);
    } catch (e) {
      // models name the layer that failed (see failingLayer)
      noteFailure(e, this, inputs);
      throw e;
    }
    for (const hook of this.postHooks) output = hook(this, inputs, output) ?? output;
    return output;
  }

  /** Adds a hook run before every `call`'s `forward` (PyTorch's `register_forward_pre_hook`). */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    this.preHooks.add(hook);
    return { remove: () => this.preHooks.delete(hook) };
  }

  /** Adds a hook run after every `call`'s `forward`, with its inputs and output (PyTorch's `register_forward_hook`). */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    this.postHooks.add(hook);
    return { remove: () => this.postHooks.delete(hook) };
  }

  /** True when forward hooks or pre-hooks are registered on this module. */
  hasForwardHooks(): boolean {
    return this.preHooks.size > 0 || this.postHooks.size > 0;
  }

  /**
   * The pointwise activation this module computes, so that the layer before
   * it may apply it inside its own fused op (`Sequential` does this); undefined
   * for every other module, and for activations that behave differently in
   * training.
   */
  fusedActivation(): FusedActivation | undefined {
    return undefined;
  }

  /**
   * `forward(x)` followed by `activation` (none when null). Layers with a
   * fused op (`Linear`, `Conv2d`) override it to apply the activation in the
   * same op; the result is the same either way.
   */
  forwardActivated(x: Tensor, activation: FusedActivation | null): Tensor {
    return applyActivation(this.forward(x), activation);
  }

  /**
   * Where this module and the `next` one of a `Sequential` can run as one
   * op, a function that runs both (and the activation after them, when not
   * null); undefined for every other pair. `Conv2d` takes the `BatchNorm2d`
   * after it: in evaluation the batch norm folds into the convolution.
   */
  fuseWithNext(_next: Module): ((x: Tensor, activation: FusedActivation | null) => Tensor) | undefined {
    return undefined;
  }

  /**
   * Multiply-adds of one call with these input shapes and output shape,
   * counted the way torchvision's published figures are: the products of
   * convolutions and fully connected layers (bias, normalisation, pooling
   * and activations are not counted). 0 for modules without such products;
   * `summary` adds them up.
   */
  multiplyAdds(_inputs: readonly (readonly number[])[], _output: readonly number[]): number {
    return 0;
  }

  /**
   * PyTorch's names for this module's state-dict entries where they are not
   * nn's in snake_case (keys relative to this module: `{ 'cells.0.weightIh':
   * 'weight_ih_l0' }`); undefined for the usual case. Used by
   * `torchStateDict` and `loadTorchStateDict`.
   */
  torchKeys(): Record<string, string> | undefined {
    return undefined;
  }

  /** Direct sub-modules with their names, in assignment order. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) value.forEach((v, i) => v instanceof Module && out.push([`${key}.${i}`, v]));
    }
    return out;
  }

  /** Direct sub-modules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** Parameters with dotted names: this module's own, then each child's. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [moduleName, m] of this.namedModules(prefix)) {
      for (const [key, value] of Object.entries(m)) {
        if (value instanceof Parameter && !seen.has(value)) {
          seen.add(value);
          out.push([moduleName ? `${moduleName}.${key}` : key, value]);
        }
      }
    }
    return out;
  }

  /** Every parameter (shared ones once). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Registers a tensor that is state but not learned (running statistics):
   * it is saved in the state dict and survives `tidy`. An `optional` buffer
   * may be absent from a state dict being loaded (it then keeps its value),
   * for state added after files were written without it.
   */
  registerBuffer(name: string, value: Tensor, { optional = false }: { optional?: boolean } = {}): void {
    this.bufferNames.add(name);
    if (optional) this.optionalBufferNames.add(name);
    (this as Record<string, unknown>)[name] = value;
    value.kept = true;
  }

  /** Buffers with dotted names. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [moduleName, m] of this.namedModules(prefix)) {
      for (const name of m.bufferNames) {
        const value = (m as unknown as Record<string, unknown>)[name];
        if (value instanceof TensorClass) out.push([moduleName ? `${moduleName}.${name}` : name, value]);
      }
    }
    return out;
  }

  /** Sets training mode here and in every descendant. Returns `this`. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (`train(false)`). Returns `this`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's `.grad`. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** The module's name in messages: its `name` where it has one (`resnet20`, `ResNet-18`), else its class. */
  get label(): string {
    const name = (this as { name?: unknown }).name;
    return typeof name === 'string' ? name : this.constructor.name;
  }

  /**
   * What a state dict that does not fit looks like next to this module, for
   * the error (the zoo's ResNets say which depth a dict is from); none by default.
   */
  protected stateDictHint(_dict: StateDict): string | undefined {
    return undefined;
  }

  /** Parameters and buffers by dotted name. The tensors are the module's own: clone to keep a snapshot. */
  stateDict(): StateDict {
    const dict: StateDict = {};
    for (const [name, p] of this.namedParameters()) dict[name] = p;
    for (const [name, b] of this.namedBuffers()) dict[name] = b;
    return dict;
  }

  /**
   * Copies a state dict into the module's parameters and buffers. With
   * `strict` (the default) every key must match, and every shape; the error
   * lists all problems at once.
   */
  loadStateDict(dict: StateDict, { strict = true }: { strict?: boolean } = {}): void {
    if (dict === null || typeof dict !== 'object') throw new ValueError(`expected a state dict (an object of tensors), got ${dict === null ? 'null' : typeof dict}`, 'loadStateDict');
    const notTensors = Object.entries(dict).filter(([, v]) => !(v instanceof TensorClass));
    if (notTensors.length) {
      const what = (v: unknown) => (Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v);
      throw new ValueError(`entries must be tensors: ${notTensors.map(([k, v]) => `'${k}' is ${what(v)}`).join(', ')} (wrap values with tensor(...))`, 'loadStateDict');
    }
    const own = this.stateDict();
    const optional = new Set<string>();
    for (const [moduleName, m] of this.namedModules()) for (const name of m.optionalBufferNames) optional.add(moduleName ? `${moduleName}.${name}` : name);
    const missing = Object.keys(own).filter((k) => !(k in dict) && !optional.has(k));
    const unexpected = Object.keys(dict).filter((k) => !(k in own));
    const mismatched = Object.keys(own).filter((k) => k in dict && fmtShape(own[k]!.shape) !== fmtShape(dict[k]!.shape));
    const problems: string[] = [];
    if (strict && missing.length) problems.push(`missing keys: ${listKeys(missing)}`);
    if (strict && unexpected.length) problems.push(`unexpected keys: ${listKeys(unexpected)}`);
    if (mismatched.length) {
      const shown = mismatched.slice(0, MAX_LISTED).map((k) => `${k} is ${fmtShape(own[k]!.shape)} in the module but ${fmtShape(dict[k]!.shape)} in the dict`);
      problems.push(`shape mismatch: ${shown.join('; ')}${mismatched.length > MAX_LISTED ? `; and ${mismatched.length - MAX_LISTED} more` : ''}`);
    }
    if (problems.length) {
      const hint = this.stateDictHint(dict);
      throw new StateDictError(`state dict does not fit ${this.label}: ${hint ? `${hint}. ` : ''}${problems.join('; ')}`, missing, unexpected, mismatched);
    }
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) {
        const value = dict[k];
        if (value !== undefined) target.assign(value.dtype === target.dtype ? value.clone() : value.cast(target.dtype));
      }
    });
  }

  /**
   * A Keras-style table of the leaf layers, their output shapes for an
   * input of `inputShape` (batch dim included) and parameter counts.
   */
  summary(inputShape: readonly number[]): string {
    return summary(this, inputShape);
  }

  /** Releases every parameter and buffer. */
  dispose(): void {
    for (const t of Object.values(this.stateDict())) t.dispose();
  }
}
