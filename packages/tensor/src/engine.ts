/**
 * The engine: dispatches ops to kernels, owns tensor memory (scopes, the
 * finalisation safety net, accounting) and offers the hook autograd records
 * through. @nn/tensor does not depend on autograd.
 * @module
 */
import type { Backend, BackendDef, TensorInfo, TensorMeta } from './backend.js';
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';
import { BackendError, DisposedTensorError, DuplicateCoreError, fmtShape, NNError, ShapeError } from './errors.js';
import type { Attrs, KernelDef, OpDef, Registry } from './registry.js';
import { checkSize, shapesEqual, sizeOf, type Shape } from './shape.js';
import { Tensor, TENSOR_BRAND } from './tensor.js';

/** Storage shared by tensors that view the same data (reshape shares, it never copies). */
export interface DataRef {
  readonly backend: Backend;
  readonly handle: unknown;
  readonly bytes: number;
  refCount: number;
}

/**
 * What autograd installs into an engine. The engine calls `record` after
 * every op whose inputs `shouldRecord` says need a tape entry.
 */
export interface GradHook {
  shouldRecord(inputs: readonly Tensor[]): boolean;
  record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Attrs): void;
  backward(tensor: Tensor, gradient?: Tensor): void;
}

/**
 * Sees every op run at the top level while {@link Engine.trace} is on: ops
 * called by user code, layers and models, not the ops that a composite or a
 * kernel runs inside them. ONNX export builds its graph from these.
 */
export type OpRecorder = (op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Attrs) => void;

/** Live tensors and bytes, in total and per backend. */
export interface MemoryInfo {
  tensors: number;
  bytes: number;
  backends: Record<string, { tensors: number; bytes: number }>;
}

interface Scope {
  tensors: Tensor[];
}

/** One engine per registry: the active backend, memory scopes and dispatch. */
export class Engine {
  readonly registry: Registry;
  /** Installed by @nn/autograd; undefined until then. */
  gradHook: GradHook | undefined;
  private readonly instances = new Map<string, Backend>();
  private activeName: string | undefined;
  private readonly scopes: Scope[] = [];
  private readonly perBackend = new Map<string, { tensors: number; bytes: number }>();
  private readonly warned = new Set<string>();
  private noRecordDepth = 0;
  private tracer: OpRecorder | undefined;
  private traceExpand: ((op: string, attrs: Attrs) => boolean) | undefined;
  private traceDepth = 0;
  private readonly finalizer = new FinalizationRegistry<DataRef>((ref) => {
    this.count(ref.backend.name, -1, 0);
    this.release(ref);
  });

  constructor(registry: Registry) {
    this.registry = registry;
  }

  // ---------------------------------------------------------------- backends

  /** The active backend: the one chosen by `setBackend`, else the highest-priority one that initialises. */
  backend(): Backend {
    if (this.activeName === undefined) {
      const errors: string[] = [];
      for (const def of this.registry.backends()) {
        try {
          this.instance(def.name);
          this.activeName = def.name;
          break;
        } catch (e) {
          errors.push(`${def.name}: ${(e as Error).message}`);
        }
      }
      if (this.activeName === undefined) {
        throw new BackendError(`no backend could be initialised${errors.length ? ` (${errors.join('; ')})` : ' (none registered)'}`);
      }
    }
    return this.instance(this.activeName);
  }

  /** Makes a registered backend the active one. */
  setBackend(name: string): void {
    this.instance(name);
    this.activeName = name;
  }

  /** The backend chosen with {@link setBackend}, or undefined while the default is not yet picked (reading it picks none). */
  get chosenBackend(): string | undefined {
    return this.activeName;
  }

  /** Goes back to a backend chosen before, or to picking the default on next use (undefined). */
  restoreBackend(name: string | undefined): void {
    if (name === undefined) this.activeName = undefined;
    else this.setBackend(name);
  }

  /** An initialised backend by name. */
  instance(name: string): Backend {
    let b = this.instances.get(name);
    if (b === undefined) {
      const def = this.registry.backendDef(name);
      if (def === undefined) {
        const known = this.registry.backends().map((d) => d.name);
        throw new BackendError(`setBackend: unknown backend '${name}' (registered: ${known.join(', ') || 'none'})`);
      }
      b = def.create();
      this.instances.set(name, b);
    }
    return b;
  }

  // ------------------------------------------------------------------ memory

  /** Wraps data a backend holds in a new tensor, tracked by the current scope. */
  makeTensor(backend: Backend, handle: unknown, shape: Shape, dtype: DType): Tensor {
    const ref: DataRef = { backend, handle, bytes: sizeOf(shape) * bytesPerElement(dtype), refCount: 0 };
    this.count(backend.name, 0, ref.bytes);
    return this.wrap(ref, shape, dtype);
  }

  /** A new tensor on the same storage (a view with another shape). */
  view(t: Tensor, shape: Shape): Tensor {
    return this.wrap(this.refOf(t, 'reshape', 'x'), shape, t.dtype);
  }

  private wrap(ref: DataRef, shape: Shape, dtype: DType): Tensor {
    return this.register(new Tensor(this, ref, shape, dtype), true);
  }

  /**
   * Accounts for a tensor constructed on existing storage (subclasses such
   * as `Parameter` call this from their constructor): it holds a reference
   * to the storage, counts as live, and is released by the finaliser if
   * forgotten. Scoped tensors are also disposed by the current `tidy`.
   */
  register<T extends Tensor>(t: T, scoped: boolean): T {
    const ref = t.dataRef!;
    ref.refCount++;
    this.count(ref.backend.name, 1, 0);
    const scope = this.scopes[this.scopes.length - 1];
    // A scoped tensor is disposed by its scope, so the finaliser (which costs
    // about half a microsecond per tensor) only watches it once it escapes.
    if (scoped && scope !== undefined) scope.tensors.push(t);
    else this.watch(t);
    return t;
  }

  /** Puts a tensor under the finalisation safety net (once). */
  private watch(t: Tensor): void {
    if (t.finalizable || t.dataRef === undefined) return;
    t.finalizable = true;
    this.finalizer.register(t, t.dataRef, t);
  }

  /**
   * Points `target` at `value`'s storage, releasing its old data: the one
   * in-place update, used for parameters and optimizer state. Shapes and
   * dtypes must match.
   */
  assign(target: Tensor, value: Tensor): void {
    const oldRef = this.refOf(target, 'assign', 'target');
    const newRef = this.refOf(value, 'assign', 'value');
    if (!shapesEqual(target.shape, value.shape) || target.dtype !== value.dtype) {
      throw new ShapeError(`value (${fmtShape(value.shape)} ${value.dtype}) must match the target (${fmtShape(target.shape)} ${target.dtype})`, 'assign');
    }
    if (oldRef === newRef) return;
    let ref = newRef;
    if (newRef.backend !== oldRef.backend) ref = this.moveData(newRef, value, oldRef.backend);
    else newRef.refCount++;
    if (ref !== newRef) this.count(ref.backend.name, 0, ref.bytes);
    target.dataRef = ref;
    if (target.finalizable) {
      this.finalizer.unregister(target);
      this.finalizer.register(target, ref, target);
    }
    this.release(oldRef);
  }

  /** Releases a tensor's hold on its storage; idempotent. */
  disposeTensor(t: Tensor): void {
    const ref = t.dataRef;
    if (ref === undefined) return;
    t.dataRef = undefined;
    if (t.finalizable) {
      t.finalizable = false;
      this.finalizer.unregister(t);
    }
    this.count(ref.backend.name, -1, 0);
    this.release(ref);
  }

  private release(ref: DataRef): void {
    if (--ref.refCount === 0) {
      this.count(ref.backend.name, 0, -ref.bytes);
      ref.backend.disposeData(ref.handle);
    }
  }

  private count(backend: string, tensors: number, bytes: number): void {
    let c = this.perBackend.get(backend);
    if (c === undefined) this.perBackend.set(backend, (c = { tensors: 0, bytes: 0 }));
    c.tensors += tensors;
    c.bytes += bytes;
  }

  /** Live tensors and bytes, in total and per backend. */
  memory(): MemoryInfo {
    const info: MemoryInfo = { tensors: 0, bytes: 0, backends: {} };
    for (const [name, c] of this.perBackend) {
      info.tensors += c.tensors;
      info.bytes += c.bytes;
      info.backends[name] = { ...c };
    }
    return info;
  }

  /**
   * Runs `fn` in a scope: every tensor created inside and not returned (nor
   * kept) is disposed when it ends. Returned tensors move to the outer scope.
   */
  tidy<T>(fn: () => T): T {
    this.scopes.push({ tensors: [] });
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.endScope(undefined);
      throw e;
    }
    if (result instanceof Promise) {
      this.endScope(undefined);
      throw new NNError('tidy: the function returned a Promise; tidy only works with synchronous functions (await outside it)');
    }
    this.endScope(result);
    return result;
  }

  private endScope(result: unknown): void {
    const scope = this.scopes.pop()!;
    const returned = new Set<Tensor>();
    collectTensors(result, returned);
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of scope.tensors) {
      if (t.isDisposed) continue;
      if (t.kept) this.watch(t);
      else if (!returned.has(t)) t.dispose();
      else if (parent !== undefined) parent.tensors.push(t);
      else this.watch(t);
    }
  }

  /** Exempts a tensor from scope disposal; it lives until `dispose()` or garbage collection. */
  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    this.watch(t);
    return t;
  }

  // ---------------------------------------------------------------- dispatch

  /**
   * Runs an op on the active backend: its own kernel; else the op's composite
   * decomposition; else the `cpu` kernel with the data moved (warned once).
   */
  run(name: string, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor[] {
    if (this.tracer === undefined) return this.dispatch(name, inputs, attrs);
    const top = this.traceDepth === 0;
    const composite = top && this.traceExpand?.(name, attrs) === true ? this.registry.op(name).composite : undefined;
    if (composite !== undefined) {
      // Seen through: the composite's own ops are recorded in its place.
      const outputs = composite([...inputs], attrs);
      this.checkOutputs(name, outputs, this.registry.op(name).infer(this.checkInputs(this.registry.op(name), inputs), attrs));
      return outputs;
    }
    this.traceDepth++;
    let outputs: Tensor[];
    try {
      outputs = this.dispatch(name, inputs, attrs);
    } finally {
      this.traceDepth--;
    }
    if (top) this.tracer(name, inputs, outputs, attrs);
    return outputs;
  }

  /**
   * Runs `fn` with `recorder` seeing each top-level op it runs (in order,
   * with its inputs, outputs and attributes). A composite op for which
   * `expand` returns true is run as its decomposition, whose ops are
   * recorded in its place. Traces do not nest.
   */
  trace<T>(recorder: OpRecorder, fn: () => T, expand?: (op: string, attrs: Attrs) => boolean): T {
    if (this.tracer !== undefined) throw new NNError('a trace is already running; traces do not nest', 'trace');
    this.tracer = recorder;
    this.traceExpand = expand;
    this.traceDepth = 0;
    try {
      return fn();
    } finally {
      this.tracer = undefined;
      this.traceExpand = undefined;
    }
  }

  /** {@link run} without tracing. */
  private dispatch(name: string, inputs: readonly Tensor[], attrs: Attrs): Tensor[] {
    const def = this.registry.op(name);
    const metas = this.checkInputs(def, inputs);
    const outMetas = def.infer(metas, attrs);
    for (let i = 0; i < outMetas.length; i++) checkSize(outMetas[i]!.shape, name, 'output shape');
    const backend = this.backend();
    const kernel = usable(this.registry.kernel(name, backend.name), metas, attrs);
    // Without a kernel of its own, a backend whose memory the host reads runs the cpu kernel in place.
    const hostKernel = kernel === undefined && backend.name !== 'cpu' && this.hostAddressable(backend) ? usable(this.registry.kernel(name, 'cpu'), metas, attrs) : undefined;
    const hook = this.noRecordDepth === 0 && !def.nondifferentiable ? this.gradHook : undefined;
    const record = hook !== undefined && hook.shouldRecord(inputs);

    const ownGradient = record && this.registry.gradient(name) !== undefined;
    // A composite runs as written when no kernel can run it, and also when
    // it must be differentiated but only a fused (forward-only) kernel exists.
    if (def.composite !== undefined && ((kernel === undefined && hostKernel === undefined) || (record && !ownGradient))) {
      // A composite with a gradient of its own is recorded as one op; without
      // one, its inner ops are recorded and differentiate it.
      const selfRecorded = ownGradient;
      const outputs = selfRecorded || !record ? this.withoutRecording(() => this.tidy(() => def.composite!([...inputs], attrs))) : def.composite([...inputs], attrs);
      this.checkOutputs(name, outputs, outMetas);
      if (selfRecorded) hook!.record(name, inputs, outputs, attrs);
      return outputs;
    }
    const outputs =
      kernel !== undefined
        ? this.runKernel(kernel, backend, inputs, attrs, outMetas)
        : hostKernel !== undefined
          ? this.runOnHost(hostKernel, backend, inputs, attrs, outMetas)
          : this.runFallback(name, backend, inputs, attrs, outMetas, metas);
    if (record) hook!.record(name, inputs, outputs, attrs);
    return outputs;
  }

  /** True when the backend's data can be read in place by cpu kernels ({@link BackendDef.hostAddressable}). */
  private hostAddressable(backend: Backend): boolean {
    return this.registry.backendDef(backend.name)?.hostAddressable === true;
  }

  /** Runs `fn` without recording ops for autograd. */
  withoutRecording<T>(fn: () => T): T {
    this.noRecordDepth++;
    try {
      return fn();
    } finally {
      this.noRecordDepth--;
    }
  }

  /** Runs `fn` with recording on, even inside `withoutRecording` (functional `grad` needs its own tape). */
  withRecording<T>(fn: () => T): T {
    const saved = this.noRecordDepth;
    this.noRecordDepth = 0;
    try {
      return fn();
    } finally {
      this.noRecordDepth = saved;
    }
  }

  /** True while ops are being recorded (not inside `withoutRecording`). */
  get recording(): boolean {
    return this.noRecordDepth === 0 && this.gradHook !== undefined;
  }

  private runKernel(kernel: KernelDef, backend: Backend, inputs: readonly Tensor[], attrs: Attrs, outMetas: TensorMeta[]): Tensor[] {
    const moved: DataRef[] = [];
    const infos: TensorInfo[] = inputs.map((t) => {
      const ref = t.dataRef!;
      if (ref.backend === backend) return { shape: t.shape, dtype: t.dtype, data: ref.handle };
      const copy = this.moveData(ref, t, backend);
      moved.push(copy);
      return { shape: t.shape, dtype: t.dtype, data: copy.handle };
    });
    const adopted = new Set<unknown>();
    try {
      const handles = kernel.run(infos, attrs, { backend, outputs: outMetas, registry: this.registry });
      return handles.map((h, i) => {
        const { shape, dtype } = outMetas[i]!;
        // A kernel may return an input's storage (reshape does): share it instead of owning it twice.
        const k = infos.findIndex((info) => info.data === h);
        if (k >= 0 && inputs[k]!.dataRef!.handle === h) return this.wrap(inputs[k]!.dataRef!, shape, dtype);
        if (k >= 0) adopted.add(h);
        return this.makeTensor(backend, h, shape, dtype);
      });
    } finally {
      for (const m of moved) if (!adopted.has(m.handle)) m.backend.disposeData(m.handle);
    }
  }

  /** Runs a cpu kernel over views of the inputs' storage and stores its outputs on `backend`. */
  private runOnHost(kernel: KernelDef, backend: Backend, inputs: readonly Tensor[], attrs: Attrs, outMetas: TensorMeta[]): Tensor[] {
    const views: TensorInfo[] = inputs.map((t) => ({ shape: t.shape, dtype: t.dtype, data: t.dataRef!.backend.readSync(t.dataRef!.handle, t.dtype, t.size) }));
    const outs = kernel.run(views, attrs, { backend: this.instance('cpu'), outputs: outMetas, registry: this.registry }) as TypedArray[];
    return outs.map((o, i) => {
      const { shape, dtype } = outMetas[i]!;
      // A kernel may return an input's storage (reshape does): share it.
      const k = views.findIndex((v) => v.data === o);
      if (k >= 0 && inputs[k]!.dataRef!.backend === backend) return this.wrap(inputs[k]!.dataRef!, shape, dtype);
      return this.makeTensor(backend, backend.write(o, dtype, shape), shape, dtype);
    });
  }

  private runFallback(name: string, backend: Backend, inputs: readonly Tensor[], attrs: Attrs, outMetas: TensorMeta[], metas: readonly TensorMeta[]): Tensor[] {
    const cpuKernel = this.registry.kernel(name, 'cpu');
    if (cpuKernel === undefined) {
      const own = this.registry.kernel(name, backend.name);
      const why = own !== undefined ? `the '${backend.name}' kernel does not take ${metas.map((m) => m.dtype).join(', ')} inputs` : `no kernel for op '${name}' on backend '${backend.name}'`;
      throw new BackendError(`${why} nor is there one on 'cpu', and the op has no composite decomposition`, name);
    }
    // A GPU's computed data can only be read asynchronously: the fallback, which is synchronous, cannot move it.
    const unreadable = inputs.filter((t) => !this.canReadSync(t));
    if (unreadable.length > 0) {
      throw new BackendError(
        `no '${backend.name}' kernel for this op, and its inputs ${unreadable.map((t) => fmtShape(t.shape)).join(', ')} are readable only asynchronously there, so it cannot fall back to 'cpu': copy them with await toCpu([...]) and run it under withBackend('cpu', ...)`,
        name,
      );
    }
    const cpu = this.instance('cpu');
    if (backend !== cpu && !this.warned.has(name)) {
      this.warned.add(name);
      console.warn(`nn: op '${name}' has no kernel on backend '${backend.name}'; running it on 'cpu' (data is copied)`);
    }
    const outputs = this.runKernel(cpuKernel, cpu, inputs, attrs, outMetas);
    if (backend === cpu) return outputs;
    return outputs.map((t) => {
      const ref = this.moveData(t.dataRef!, t, backend);
      t.dispose();
      return this.makeTensor(backend, ref.handle, t.shape, t.dtype);
    });
  }

  private moveData(ref: DataRef, t: Tensor, to: Backend): DataRef {
    const values = ref.backend.readSync(ref.handle, t.dtype, t.size).slice() as TypedArray;
    return { backend: to, handle: to.write(values, t.dtype, t.shape), bytes: ref.bytes, refCount: 1 };
  }

  private checkInputs(def: OpDef, inputs: readonly Tensor[]): TensorMeta[] {
    const n = def.inputs.length;
    const variadic = n > 0 && def.inputs[n - 1]!.startsWith('...');
    if (variadic ? inputs.length < n - 1 : inputs.length !== n) {
      throw new NNError(`expected ${variadic ? 'at least ' : ''}${n - (variadic ? 1 : 0)} inputs (${def.inputs.join(', ')}), got ${inputs.length}`, def.name);
    }
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i]!;
      // The common case is checked inline; the argument's name is only worked out for an error.
      if (t instanceof Tensor && t.dataRef !== undefined) continue;
      const argName = def.inputs[Math.min(i, n - 1)]!.replace('...', '') + (variadic && i >= n - 1 ? `[${i - n + 1}]` : '');
      this.refOf(t, def.name, argName);
    }
    return inputs as readonly TensorMeta[] as TensorMeta[];
  }

  /** The storage of a live tensor of this core, with a typed error otherwise. */
  refOf(t: Tensor, op: string, arg: string): DataRef {
    if (!(t instanceof Tensor)) {
      if (t !== null && typeof t === 'object' && (t as Record<symbol, unknown>)[TENSOR_BRAND] === true) {
        throw new DuplicateCoreError(
          `argument '${arg}' is a Tensor from another copy of @nn/tensor loaded in this process; make every @nn package resolve the same @nn/tensor (npm dedupe)`,
          op,
        );
      }
      throw new NNError(`argument '${arg}' must be a Tensor, got ${describe(t)}`, op);
    }
    const ref = t.dataRef;
    if (ref === undefined) {
      throw new DisposedTensorError(`argument '${arg}' (shape ${fmtShape(t.shape)}, ${t.dtype}) was disposed, explicitly or by the end of its tidy() scope`, op);
    }
    return ref;
  }

  private checkOutputs(name: string, outputs: Tensor[], metas: TensorMeta[]): void {
    if (outputs.length !== metas.length || outputs.some((t, i) => !shapesEqual(t.shape, metas[i]!.shape) || t.dtype !== metas[i]!.dtype)) {
      throw new ShapeError(
        `composite produced ${outputs.map((t) => `${fmtShape(t.shape)} ${t.dtype}`).join(', ')} but the op infers ${metas.map((m) => `${fmtShape(m.shape)} ${m.dtype}`).join(', ')}`,
        name,
      );
    }
  }

  /** Reads a tensor's data synchronously (no copy on `cpu`: do not mutate). */
  readSync(t: Tensor): TypedArray {
    const ref = this.refOf(t, 'dataSync', 'tensor');
    return ref.backend.readSync(ref.handle, t.dtype, t.size);
  }

  /** True when {@link readSync} can return the tensor's data (false for data a GPU holds: read it with {@link read}). */
  canReadSync(t: Tensor): boolean {
    const ref = this.refOf(t, 'canReadSync', 'tensor');
    return ref.backend.canReadSync?.(ref.handle) ?? true;
  }

  /** Reads a tensor's data, asynchronously where the backend needs it. */
  async read(t: Tensor): Promise<TypedArray> {
    const ref = this.refOf(t, 'data', 'tensor');
    if (ref.backend.read !== undefined) return ref.backend.read(ref.handle, t.dtype, t.size);
    return ref.backend.readSync(ref.handle, t.dtype, t.size);
  }
}

/** The kernel, when it takes these inputs ({@link KernelDef.dtypes}, checked on the first input, and {@link KernelDef.accepts}). */
function usable(kernel: KernelDef | undefined, inputs: readonly TensorMeta[], attrs: Attrs): KernelDef | undefined {
  if (kernel === undefined) return undefined;
  if (kernel.dtypes !== undefined && inputs.length > 0 && !kernel.dtypes.includes(inputs[0]!.dtype)) return undefined;
  if (kernel.accepts !== undefined && !kernel.accepts(inputs, attrs)) return undefined;
  return kernel;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array (wrap it with tensor())';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}

/** Finds the tensors in a value returned from `tidy` (arrays and plain objects are searched). */
function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (value instanceof Tensor) into.add(value);
  else if (depth > 8 || value === null || typeof value !== 'object') return;
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectTensors(v, into, depth + 1);
}
