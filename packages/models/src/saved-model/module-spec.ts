/**
 * Module specs: a module tree as JSON (each module's registered type name
 * and the constructor arguments that rebuild it), and back.
 * @module
 */
import { Module } from '@nn/layers-core';
import { NNError, ValueError } from '@nn/tensor';
import { KNOWN_MODULES } from './known-modules.js';

/**
 * A constructor argument as a spec holds it: a number, string, boolean,
 * null, undefined, module, or an array or plain object of these (checked
 * when saving; the type stays open so that option interfaces fit).
 */
export type SpecValue = number | string | boolean | null | undefined | Module | readonly unknown[] | object;

/** A module as stored: its registered type and its constructor arguments. */
export interface ModuleSpec {
  type: string;
  args: unknown[];
}

/** A saved model file that cannot be read back: malformed JSON, an unknown module type, arguments a constructor refuses. */
export class ModelFormatError extends NNError {
  constructor(message: string, readonly source: string) {
    super(`${source}: ${message}`, 'loadModel');
  }
}

/** A module class: registrations are found by the exact constructor of an instance. */
type ModuleClass = new (...args: never[]) => Module;

interface Registration {
  type: string;
  cls: ModuleClass;
  args: (m: Module) => readonly SpecValue[];
}

const byType = new Map<string, Registration>();
const byClass = new Map<unknown, Registration>();
let knownRegistered = false;

/** Registers nn's own modules on first use (not at import: the package has no side effects). */
function ensureKnown(): void {
  if (knownRegistered) return;
  knownRegistered = true;
  for (const [type, cls, args] of KNOWN_MODULES) registerModule<Module>(type, cls, args as (m: Module) => readonly SpecValue[]);
}

/**
 * Makes a module class savable by {@link saveModel}: `type` is the name
 * stored in the file, `args(m)` returns the constructor arguments that
 * rebuild `m` (numbers, strings, booleans, plain objects, arrays and
 * sub-modules). Weights are restored after construction, so arguments that
 * only affect initialisation may be left at their defaults. nn's own layers
 * and models are registered already.
 *
 * @example
 * ```ts
 * class Scale extends Module {
 *   constructor(readonly factor: number) { super(); }
 *   forward(x: Tensor) { return x.mul(this.factor); }
 * }
 * registerModule('Scale', Scale, (m) => [m.factor]);
 * ```
 */
export function registerModule<M extends Module>(type: string, cls: new (...args: never[]) => M, args: (m: M) => readonly SpecValue[]): void {
  ensureKnown();
  const existing = byType.get(type);
  if (existing && existing.cls !== cls) throw new ValueError(`type '${type}' is registered already, for another class (${existing.cls.name})`, 'registerModule');
  const registration: Registration = { type, cls, args: args as (m: Module) => readonly SpecValue[] };
  byType.set(type, registration);
  byClass.set(cls, registration);
}

/** The spec of `module` and its sub-modules; a typed error names the first module whose class is not registered. */
export function moduleSpec(module: Module, path = 'model'): ModuleSpec {
  ensureKnown();
  const registration = byClass.get(module.constructor);
  if (registration === undefined) {
    throw new ValueError(
      `${path} is a ${module.constructor.name}, which is not registered: call registerModule('${module.constructor.name}', ${module.constructor.name}, (m) => [...its constructor arguments]) first, or save its weights alone with saveSafetensors(file, model.stateDict())`,
      'saveModel',
    );
  }
  return { type: registration.type, args: registration.args(module).map((v, i) => encode(v, `${path}.args[${i}]`)) };
}

/** Rebuilds a module tree from its spec. */
export function buildModule(spec: unknown, source: string, path = 'model'): Module {
  if (spec === null || typeof spec !== 'object' || typeof (spec as ModuleSpec).type !== 'string' || !Array.isArray((spec as ModuleSpec).args)) {
    throw new ModelFormatError(`${path} is not a module spec ({ type, args })`, source);
  }
  ensureKnown();
  const { type, args } = spec as ModuleSpec;
  const registration = byType.get(type);
  if (registration === undefined) {
    throw new ModelFormatError(`${path} has type '${type}', which is not registered (import the package that defines it and call registerModule)`, source);
  }
  const decoded = args.map((a, i) => decode(a, source, `${path}.args[${i}]`));
  try {
    return new (registration.cls as new (...a: unknown[]) => Module)(...decoded);
  } catch (e) {
    throw new ModelFormatError(`${path}: ${type} refuses the stored arguments: ${(e as Error).message}`, source);
  }
}

/** JSON has no undefined, no ±Infinity and no NaN: they are stored as tagged objects, and modules as their specs. */
function encode(value: unknown, path: string): unknown {
  if (value === undefined) return { $undefined: true };
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Module) return { $module: moduleSpec(value, path) };
  if (Array.isArray(value)) return value.map((v, i) => encode(v, `${path}[${i}]`));
  if (Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) if (v !== undefined) out[k] = encode(v, `${path}.${k}`);
    return out;
  }
  throw new ValueError(`${path} is ${describe(value)}; a spec holds numbers, strings, booleans, arrays, plain objects and modules`, 'saveModel');
}

function decode(value: unknown, source: string, path: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => decode(v, source, `${path}[${i}]`));
  const tagged = value as Record<string, unknown>;
  if (tagged.$undefined === true) return undefined;
  if (typeof tagged.$number === 'string') {
    if (!['Infinity', '-Infinity', 'NaN'].includes(tagged.$number)) throw new ModelFormatError(`${path} holds the number '${tagged.$number}'`, source);
    return Number(tagged.$number);
  }
  if ('$module' in tagged) return buildModule(tagged.$module, source, path);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tagged)) out[k] = decode(v, source, `${path}.${k}`);
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'null-prototype object'}`;
  return `a ${typeof value}`;
}
