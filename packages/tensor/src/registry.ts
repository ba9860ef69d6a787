/**
 * The registry: the one contract between packages. It holds op descriptors,
 * kernels per backend, gradients and backends, all brought in by plugins.
 * @module
 */
import type { Backend, BackendDef, DataOf, TensorInfo, TensorMeta } from './backend.js';
import type { DType } from './dtype.js';
import { PluginError, PluginVersionError, REGISTRY_API_VERSION, UnknownOpError } from './errors.js';
import type { Tensor } from './tensor.js';

/** Attributes of an op call: plain, inert values (numbers, arrays, strings, booleans). */
export type Attrs = Record<string, unknown>;

/**
 * Describes an op: its inputs, and shape/dtype inference that validates them.
 * An op without `composite` is a primitive and needs a kernel per backend.
 */
export interface OpDef<A extends Attrs = any> {
  /** Unique name; third parties namespace theirs (`acme.swish`). */
  readonly name: string;
  /** Input names, used in error messages. A name starting with `...` takes the rest. */
  readonly inputs: readonly string[];
  /** Validates inputs and attributes and returns the outputs' shapes and dtypes; throws a typed error. */
  infer(inputs: readonly TensorMeta[], attrs: A): TensorMeta[];
  /** The op written in other ops: runs on every backend and is differentiable with no extra code. */
  composite?(inputs: Tensor[], attrs: A): Tensor[];
  /** True when the outputs carry no gradient (comparisons, argmax, random). */
  readonly nondifferentiable?: boolean;
}

/** Context a kernel runs in (`B`: the backend class it is written for). */
export interface KernelContext<B extends Backend<any> = Backend> {
  readonly backend: B;
  /** The outputs' metadata, as inferred by the op. */
  readonly outputs: readonly TensorMeta[];
  /** The registry the op was dispatched through (for kernels that run other kernels). */
  readonly registry: Registry;
}

/** Runs an op on one backend: returns one data handle per output, of that backend's data type. */
export type KernelFn<A extends Attrs = any, B extends Backend<any> = Backend<any>> = (inputs: readonly TensorInfo<DataOf<B>>[], attrs: A, ctx: KernelContext<B>) => DataOf<B>[];

/** A kernel: the implementation of one op for one backend. */
export interface KernelDef<A extends Attrs = any, B extends Backend<any> = any> {
  readonly op: string;
  readonly backend: string;
  readonly run: KernelFn<A, B>;
  /**
   * The dtypes the kernel handles, checked on the first input (the data
   * operand; index and mask inputs come after it). Default: all. Dispatch
   * routes any other call as if the kernel were missing (the cpu kernel
   * over the backend's memory, the composite, or the cpu fallback), so
   * kernels carry no dtype guards of their own.
   */
  readonly dtypes?: readonly DType[];
  /** Further conditions on the call (softmax over the last axis only, say); routed like {@link KernelDef.dtypes} when false. */
  accepts?(inputs: readonly TensorMeta[], attrs: A): boolean;
}

/** What a gradient rule receives besides the output cotangents. */
export interface GradientContext<A extends Attrs = any> {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: A;
}

/**
 * A gradient (vector-Jacobian product), written in ops so it runs on every
 * backend and can itself be differentiated. Returns one cotangent per input
 * (null where the input gets none, e.g. integer inputs).
 */
export interface GradientDef<A extends Attrs = any> {
  readonly op: string;
  vjp(dys: readonly Tensor[], ctx: GradientContext<A>): (Tensor | null)[];
}

/** A bundle of ops, kernels, gradients and backends, with the registry API version it targets. */
export interface Plugin {
  readonly name: string;
  /** The registry API version the plugin was written for ({@link REGISTRY_API_VERSION}). */
  readonly apiVersion: number;
  readonly ops?: readonly OpDef[];
  readonly kernels?: readonly KernelDef[];
  readonly gradients?: readonly GradientDef[];
  readonly backends?: readonly BackendDef[];
  /** Plugins this one needs, registered first. */
  readonly requires?: readonly Plugin[];
}

/**
 * How an op runs on a backend: `kernel` (its own kernel), `host` (the cpu
 * kernel over the backend's memory, see {@link BackendDef.hostAddressable}),
 * `composite` (decomposed into other ops), `fallback` (data moved to cpu).
 */
export type CoverageKind = 'kernel' | 'host' | 'composite' | 'fallback';

/** One row of {@link Registry.coverage}: how an op runs on each backend. */
export interface CoverageRow {
  readonly op: string;
  /** A primitive needs a kernel (or the cpu one); a composite runs everywhere as other ops. */
  readonly kind: 'primitive' | 'composite';
  readonly hasGradient: boolean;
  /** Per backend, how the op runs there. */
  readonly backends: Record<string, CoverageKind>;
  /** Per backend with a kernel for the op, the input dtypes it handles (absent: all). */
  readonly dtypes: Record<string, readonly DType[]>;
}

/**
 * Checks a plugin's parts before any is registered, so that a malformed
 * plugin is refused whole, with a message naming the part, instead of
 * failing later deep in dispatch.
 */
function checkPluginParts(plugin: Plugin): void {
  const where = `use: plugin '${plugin.name}'`;
  const list = (key: 'ops' | 'kernels' | 'gradients' | 'backends' | 'requires') => {
    const v = plugin[key];
    if (v !== undefined && !Array.isArray(v)) throw new PluginError(`${where}: ${key} must be an array, got ${typeof v}`);
    return (v ?? []) as readonly Record<string, unknown>[];
  };
  for (const op of list('ops')) {
    const name = typeof op?.name === 'string' ? op.name : undefined;
    if (name === undefined || name === '') throw new PluginError(`${where}: an op has no name`);
    if (!Array.isArray(op.inputs)) throw new PluginError(`${where}: op '${name}' must list its inputs (an array of names)`);
    if (typeof op.infer !== 'function') throw new PluginError(`${where}: op '${name}' has no infer(inputs, attrs) function; every op must say its outputs' shapes and dtypes`);
    if (op.composite !== undefined && typeof op.composite !== 'function') throw new PluginError(`${where}: op '${name}' has a composite that is not a function`);
  }
  for (const k of list('kernels')) {
    if (typeof k?.op !== 'string' || typeof k.backend !== 'string' || typeof k.run !== 'function') {
      throw new PluginError(`${where}: a kernel needs op and backend names and a run function, got ${JSON.stringify({ op: k?.op, backend: k?.backend, run: typeof k?.run })}`);
    }
  }
  for (const g of list('gradients')) {
    if (typeof g?.op !== 'string' || typeof g.vjp !== 'function') throw new PluginError(`${where}: a gradient needs an op name and a vjp function (op: ${JSON.stringify(g?.op)})`);
  }
  for (const b of list('backends')) {
    if (typeof b?.name !== 'string') throw new PluginError(`${where}: a backend has no name`);
  }
  list('requires');
}

/**
 * Holds everything plugins register. Registries are instances: tests create
 * fresh ones; the library uses one default.
 */
export class Registry {
  private readonly opDefs = new Map<string, OpDef>();
  private readonly kernelDefs = new Map<string, Map<string, KernelDef>>();
  private readonly gradientDefs = new Map<string, GradientDef>();
  private readonly backendDefs = new Map<string, BackendDef>();
  private readonly plugins = new Map<string, Plugin>();

  /**
   * Registers a plugin and the plugins it requires. Registering the same
   * plugin (by name) again does nothing.
   */
  use(plugin: Plugin): this {
    if (typeof plugin !== 'object' || plugin === null || typeof plugin.name !== 'string') {
      throw new PluginError('use: expected a plugin object with a name and an apiVersion');
    }
    if (this.plugins.has(plugin.name)) return this;
    if (typeof plugin.apiVersion !== 'number') {
      throw new PluginError(`use: plugin '${plugin.name}' has apiVersion ${JSON.stringify(plugin.apiVersion)} (${typeof plugin.apiVersion}); it must be the number ${REGISTRY_API_VERSION}`);
    }
    if (plugin.apiVersion !== REGISTRY_API_VERSION) {
      throw new PluginVersionError(
        `use: plugin '${plugin.name}' targets registry API version ${String(plugin.apiVersion)}, but this @nn/tensor speaks version ${REGISTRY_API_VERSION}; upgrade whichever is older`,
      );
    }
    checkPluginParts(plugin);
    for (const dep of plugin.requires ?? []) this.use(dep);
    for (const op of plugin.ops ?? []) this.registerOp(op);
    for (const b of plugin.backends ?? []) this.registerBackend(b);
    for (const k of plugin.kernels ?? []) this.registerKernel(k);
    for (const g of plugin.gradients ?? []) this.registerGradient(g);
    this.plugins.set(plugin.name, plugin);
    return this;
  }

  /** True when a plugin of this name was registered. */
  hasPlugin(name: string): boolean {
    return this.plugins.has(name);
  }

  /** Registers an op descriptor. A second descriptor under the same name is an error. */
  registerOp(def: OpDef): void {
    const existing = this.opDefs.get(def.name);
    if (existing !== undefined && existing !== def) {
      throw new PluginError(`op '${def.name}' is already registered by another plugin; namespace third-party ops ('acme.${def.name}')`);
    }
    this.opDefs.set(def.name, def);
  }

  /** Registers (or replaces) the kernel of an op for a backend. */
  registerKernel(def: KernelDef): void {
    let byBackend = this.kernelDefs.get(def.op);
    if (byBackend === undefined) this.kernelDefs.set(def.op, (byBackend = new Map()));
    byBackend.set(def.backend, def);
  }

  /** Registers (or replaces) the gradient of an op. */
  registerGradient(def: GradientDef): void {
    this.gradientDefs.set(def.op, def);
  }

  /** Registers a backend factory. */
  registerBackend(def: BackendDef): void {
    this.backendDefs.set(def.name, def);
  }

  /** The descriptor of an op; throws {@link UnknownOpError} naming the op when none is registered. */
  op(name: string): OpDef {
    const def = this.opDefs.get(name);
    if (def === undefined) {
      throw new UnknownOpError(
        `unknown op '${name}': no registered plugin defines it (registered plugins: ${[...this.plugins.keys()].join(', ') || 'none'})`,
      );
    }
    return def;
  }

  /** True when an op of this name is registered. */
  hasOp(name: string): boolean {
    return this.opDefs.has(name);
  }

  /** The kernel of an op for a backend, if any. */
  kernel(op: string, backend: string): KernelDef | undefined {
    return this.kernelDefs.get(op)?.get(backend);
  }

  /** The gradient of an op, if any. */
  gradient(op: string): GradientDef | undefined {
    return this.gradientDefs.get(op);
  }

  /** A backend definition by name. */
  backendDef(name: string): BackendDef | undefined {
    return this.backendDefs.get(name);
  }

  /** Registered backends, highest priority first. */
  backends(): BackendDef[] {
    return [...this.backendDefs.values()].sort((a, b) => b.priority - a.priority);
  }

  /** Names of all registered ops, sorted. */
  opNames(): string[] {
    return [...this.opDefs.keys()].sort();
  }

  /**
   * The op x backend matrix: for every op and backend, whether it runs as the
   * backend's own kernel, as a composite, or through the cpu fallback.
   */
  coverage(): CoverageRow[] {
    const backendDefs = this.backends();
    return this.opNames().map((name) => {
      const def = this.opDefs.get(name)!;
      const backends: Record<string, CoverageKind> = {};
      const dtypes: Record<string, readonly DType[]> = {};
      const onHost = this.kernel(name, 'cpu') !== undefined;
      for (const { name: b, hostAddressable } of backendDefs) {
        const k = this.kernel(name, b);
        if (k?.dtypes !== undefined) dtypes[b] = k.dtypes;
        backends[b] = k ? 'kernel' : onHost && hostAddressable === true ? 'host' : def.composite ? 'composite' : 'fallback';
      }
      return { op: name, kind: def.composite ? 'composite' : 'primitive', hasGradient: this.gradientDefs.has(name), backends, dtypes };
    });
  }

  /** Names of the registered primitives (ops without a composite): what a new backend owes kernels for, sorted. */
  primitives(): string[] {
    return this.opNames().filter((name) => this.opDefs.get(name)!.composite === undefined);
  }
}
