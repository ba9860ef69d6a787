/**
 * The default registry and engine, and the global functions over them.
 * @module
 */
import type { Backend } from './backend.js';
import { Engine, type MemoryInfo, type OpRecorder } from './engine.js';
import { corePlugin } from './core-plugin.js';
import { type Attrs, type CoverageRow, type Plugin, Registry } from './registry.js';
import { Tensor } from './tensor.js';

const CORE_KEY = Symbol.for('@nn/tensor.core');
const VERSION = '0.1.0';

let current: Engine | undefined;

/** The registry ops are dispatched through (the default one unless `withEngine` switched it). */
export function getRegistry(): Registry {
  return getEngine().registry;
}

/**
 * The engine ops run on. The default engine is created on first use with
 * the core plugin (primitive ops and the `cpu` backend) registered.
 */
export function getEngine(): Engine {
  if (current === undefined) {
    reportDuplicateCore();
    current = new Engine(new Registry().use(corePlugin));
  }
  return current;
}

/** Makes `engine` the current engine for the duration of `fn` (tests use fresh registries this way). */
export function withEngine<T>(engine: Engine, fn: () => T): T {
  const previous = current;
  current = engine;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** A fresh engine over a fresh registry holding the core plugin, for isolated tests. */
export function createEngine(...plugins: Plugin[]): Engine {
  const registry = new Registry().use(corePlugin);
  for (const p of plugins) registry.use(p);
  return new Engine(registry);
}

/** Registers a plugin into the current registry. Registering it again does nothing. */
export function use(plugin: Plugin): void {
  getRegistry().use(plugin);
}

/**
 * Makes a registered backend the active one (`'cpu'`, `'wasm'`, ...). The
 * switch is immediate; the promise resolves when the backend's asynchronous
 * set-up (the wasm backend's threads) is done, so `await setBackend('wasm')`
 * gives a fully started backend. An unknown backend, or one that fails to
 * start, rejects the promise with a `BackendError` (it never throws
 * synchronously, so `.catch()` sees every failure); a backend that fails to
 * start leaves the previous one active.
 */
export async function setBackend(name: string): Promise<void> {
  const engine = getEngine();
  const previous = engine.chosenBackend;
  engine.setBackend(name);
  try {
    await engine.instance(name).ready;
  } catch (e) {
    // A backend that failed to start (no GPU adapter, say) does not stay active.
    if (engine.chosenBackend === name) engine.restoreBackend(previous);
    throw e;
  }
}

/**
 * True when `t.dataSync()` works for this tensor: always on `cpu` and
 * `wasm`; on `webgpu` only for data written from the host (read the rest
 * with `await t.data()`). Loops that must run on every backend read with
 * `data()` where this is false.
 */
export function canReadSync(t: Tensor): boolean {
  return getEngine().canReadSync(t);
}

/**
 * Runs `fn` with `name` as the active backend, then restores the previous
 * one (synchronous: the backend must already be started). Loops that keep
 * their bookkeeping on the host use it for small cpu computations.
 */
export function withBackend<T>(name: string, fn: () => T): T {
  const engine = getEngine();
  const previous = engine.chosenBackend;
  engine.setBackend(name);
  try {
    return fn();
  } finally {
    engine.restoreBackend(previous);
  }
}

/**
 * Copies of `tensors` on `cpu`, read with `await data()` from whatever
 * backend holds them (a GPU's tensors included). The caller disposes them.
 */
export async function toCpu(tensors: readonly Tensor[]): Promise<Tensor[]> {
  const values = await Promise.all(tensors.map((t) => t.data()));
  const engine = getEngine();
  const cpu = engine.instance('cpu');
  return tensors.map((t, i) => keep(engine.makeTensor(cpu, cpu.write(values[i]!, t.dtype, t.shape), t.shape, t.dtype)));
}

/** The name of the active backend. */
export function getBackend(): string {
  return getEngine().backend().name;
}

/** The active backend object (for plugin authors). */
export function activeBackend(): Backend {
  return getEngine().backend();
}

/** The op x backend matrix of the current registry. */
export function coverage(): CoverageRow[] {
  return getRegistry().coverage();
}

/**
 * Runs `fn` and reports to `recorder` each op it runs at the top level, in
 * order, with inputs, outputs and attributes (the ops inside composites and
 * kernels are not reported, except for the composites that `expand` names:
 * those run as their decomposition, whose ops are reported). The basis of
 * ONNX export.
 */
export function traceOps<T>(recorder: OpRecorder, fn: () => T, expand?: (op: string, attrs: Attrs) => boolean): T {
  return getEngine().trace(recorder, fn, expand);
}

/** Live tensors and bytes, in total and per backend. */
export function memory(): MemoryInfo {
  return getEngine().memory();
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns
 * (inside arrays and plain objects too) and those passed to `keep`.
 */
export function tidy<T>(fn: () => T): T {
  return getEngine().tidy(fn);
}

/** Exempts a tensor from `tidy` disposal. */
export function keep<T extends Tensor>(t: T): T {
  return getEngine().keep(t);
}

/** Disposes tensors found in a value (a tensor, arrays or plain objects of them). */
export function dispose(value: unknown): void {
  if (value instanceof Tensor) value.dispose();
  else if (Array.isArray(value)) value.forEach(dispose);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach(dispose);
}

/**
 * Two copies of @nn/tensor in one process would hold two registries and
 * reject each other's tensors; say so once, naming both versions.
 */
function reportDuplicateCore(): void {
  const g = globalThis as Record<symbol, unknown>;
  const existing = g[CORE_KEY] as { version: string; Tensor: unknown } | undefined;
  if (existing !== undefined && existing.Tensor !== Tensor) {
    console.warn(
      `nn: two copies of @nn/tensor are loaded in this process (versions ${existing.version} and ${VERSION}). ` +
        'Tensors from one are rejected by the other; make every @nn package resolve the same @nn/tensor (npm dedupe).',
    );
  } else {
    g[CORE_KEY] = { version: VERSION, Tensor };
  }
}
