/**
 * Typed op handles: an op is declared once, with its attribute type, and
 * front-ends, kernels and gradients refer to the handle, so the attributes
 * are checked by the compiler everywhere and never declared twice. The
 * string name stays the op's wire identity (plugins, coverage, ONNX).
 * @module
 */
import type { Backend } from './backend.js';
import { getEngine } from './context.js';
import type { Attrs, GradientContext, GradientDef, KernelDef, KernelFn, OpDef } from './registry.js';
import type { Tensor } from './tensor.js';

/** The attribute argument of a handle's `run`: optional when the op takes none. */
export type AttrsArg<A extends Attrs> = {} extends A ? [attrs?: A] : [attrs: A];

/**
 * A declared op: its descriptor (register it through a plugin's `ops`)
 * and typed ways to run it on the current engine.
 */
export interface OpHandle<A extends Attrs = Attrs> extends OpDef<A> {
  /** Runs the op; returns its outputs. */
  run(inputs: readonly Tensor[], ...attrs: AttrsArg<A>): Tensor[];
  /** Runs an op with one output and returns it. */
  run1(inputs: readonly Tensor[], ...attrs: AttrsArg<A>): Tensor;
}

/** A handle whose outputs carry no gradient (comparisons, argmax, random): it needs no gradient rule. */
export type NondifferentiableOp<A extends Attrs = Attrs> = OpHandle<A> & { readonly nondifferentiable: true };

/** A handle to a composite: it runs everywhere as other ops, so its gradient rule is optional. */
export type CompositeOp<A extends Attrs = Attrs> = OpHandle<A> & { composite(inputs: Tensor[], attrs: A): Tensor[] };

/** The attribute type of an op handle. */
export type AttrsOf<H> = H extends OpDef<infer A> ? A : never;

/**
 * Declares an op. `A` is its attribute type, written once here; kernels
 * and gradients registered against the handle get it inferred.
 *
 * @example
 * ```ts
 * const squareplus = defineOp<{ b: number }>({
 *   name: 'acme.squareplus',
 *   inputs: ['x'],
 *   infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
 * });
 * const y = squareplus.run1([x], { b: 4 });
 * ```
 */
export function defineOp<A extends Attrs = {}>(def: OpDef<A> & { readonly nondifferentiable: true }): NondifferentiableOp<A>;
export function defineOp<A extends Attrs = {}>(def: OpDef<A> & { composite(inputs: Tensor[], attrs: A): Tensor[] }): CompositeOp<A>;
export function defineOp<A extends Attrs = {}>(def: OpDef<A>): OpHandle<A>;
export function defineOp<A extends Attrs>(def: OpDef<A>): OpHandle<A> {
  const name = def.name;
  return {
    ...def,
    run: (inputs, attrs?) => getEngine().run(name, inputs, attrs ?? {}),
    run1: (inputs, attrs?) => getEngine().run(name, inputs, attrs ?? {})[0]!,
  };
}

/** Options of a kernel besides its function. */
export interface KernelOptions<A extends Attrs> {
  /** The first input's dtypes the kernel handles (see {@link KernelDef.dtypes}). */
  readonly dtypes?: KernelDef<A>['dtypes'];
  /** Further conditions on the call (see {@link KernelDef.accepts}). */
  readonly accepts?: KernelDef<A>['accepts'];
}

/**
 * A kernel for `op` on the backend named `backend`, its attributes typed by
 * the handle. For kernels that use their backend's own data type, see
 * {@link kernelsFor}.
 */
export function kernel<A extends Attrs>(op: OpDef<A>, backend: string, run: KernelFn<A>, options: KernelOptions<A> = {}): KernelDef<A> {
  return { op: op.name, backend, run, ...options };
}

/**
 * A kernel maker for one backend class: `kernelsFor<WasmBackend>('wasm')`
 * returns a `kernel(op, run, options)` whose functions see `ctx.backend`
 * as a `WasmBackend` and inputs' data as its data type, with no casts.
 */
export function kernelsFor<B extends Backend<any>>(backend: string) {
  return <A extends Attrs>(op: OpDef<A>, run: KernelFn<A, B>, options: KernelOptions<A> = {}): KernelDef<A, B> => ({ op: op.name, backend, run, ...options });
}

/** A gradient rule, its attributes typed by the op it differentiates. */
export type VjpFn<A extends Attrs> = (dys: readonly Tensor[], ctx: GradientContext<A>) => (Tensor | null)[];

/** The gradient of `op`: the convention for plugin gradients (register it in the plugin's `gradients`). */
export function gradient<A extends Attrs>(op: OpDef<A>, vjp: VjpFn<A>): GradientDef<A> {
  return { op: op.name, vjp };
}

/** A catalog of op handles keyed by name (`{ add, sub, ... }`). */
export type OpCatalog = Readonly<Record<string, OpDef<any>>>;

/**
 * The ops of a catalog that must have a gradient rule: the primitives not
 * declared nondifferentiable (a composite is differentiated through its parts).
 */
export type DifferentiableOps<C extends OpCatalog> = { [K in keyof C]: C[K] extends { readonly nondifferentiable: true } | CompositeOp<any> ? never : K }[keyof C];

/** The composites of a catalog. */
export type CompositeOps<C extends OpCatalog> = { [K in keyof C]: C[K] extends CompositeOp<any> ? K : never }[keyof C];

/**
 * A gradient table for a catalog of ops: one rule per differentiable
 * primitive and optionally one per composite, each with its op's attribute
 * type. Leaving out a primitive's rule, or a rule reading attributes its op
 * does not have, is a compile error.
 */
export type GradientTable<C extends OpCatalog> = { readonly [K in DifferentiableOps<C>]: VjpFn<AttrsOf<C[K]>> } & { readonly [K in CompositeOps<C>]?: VjpFn<AttrsOf<C[K]>> };

/** Rules for some ops `K` of a catalog, each typed by its op (part of a {@link GradientTable}). */
export type RulesFor<C extends OpCatalog, K extends keyof C> = { readonly [P in K]: VjpFn<AttrsOf<C[P]>> };

/** The registry gradient definitions of a gradient table. */
export function gradientsOf(table: Readonly<Record<string, VjpFn<any>>>): GradientDef[] {
  return Object.entries(table).map(([op, vjp]) => ({ op, vjp }));
}

/** A catalog of ops made from a list of names, keyed by them (the names stay literal types). */
export function catalogOf<N extends string, H extends OpDef<any>>(names: readonly N[], make: (name: N) => H): { readonly [K in N]: H } {
  return Object.fromEntries(names.map((n) => [n, make(n)])) as { [K in N]: H };
}
