/**
 * The functional API (JAX and TensorFlow.js style): `grad`, `valueAndGrad`,
 * `vjp`, plus `noGrad`, `requiresGrad`, `detach` and `installAutograd`.
 *
 * How it relates to the PyTorch style: both use the same tape. `grad(f)(x)`
 * marks a fresh view of `x` as requiring grad, runs `f`, and sweeps back to
 * that view only, returning the cotangent instead of writing `x.grad`; it
 * releases every intermediate it made. Inside an outer `grad` (when `x`
 * itself requires grad) the sweep is recorded, so grads of grads work.
 * @module
 */
import { getEngine, NNError, onesLike, REGISTRY_API_VERSION, ShapeError, type Tensor, Tensor as TensorClass, zerosLike } from '@nn/tensor';
import { coreGradients } from './gradients/index.js';
import { backwardFrom, installInto } from './tape.js';

const PLUGIN_NAME = '@nn/autograd';

/**
 * Installs autograd into the current engine: registers the gradient of
 * every primitive and starts recording ops on tensors that require grad.
 * Every function of this package calls it; calling it again does nothing.
 */
export function installAutograd(): void {
  installInto(getEngine(), coreGradients, PLUGIN_NAME, REGISTRY_API_VERSION);
}

/** Marks `t` as requiring grad (PyTorch's `requires_grad_()`), installing autograd if needed. Returns `t`. */
export function requiresGrad<T extends Tensor>(t: T, value = true): T {
  installAutograd();
  t.requiresGrad = value;
  return t;
}

/** Runs `fn` without recording ops: nothing inside gets a gradient (PyTorch's `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return getEngine().withoutRecording(fn);
}

/** A view of `t` cut from the graph: same data, no gradient history. */
export function detach(t: Tensor): Tensor {
  return getEngine().view(t, t.shape);
}

/** A function of tensors returning a tensor: what `grad`, `valueAndGrad` and `vjp` differentiate. */
export type TensorFn = (...args: Tensor[]) => Tensor;

/** Checks that every argument is a Tensor and every argnum is in range (internal). */
export function checkArgs(name: string, args: readonly unknown[], argnums: readonly number[]): void {
  args.forEach((a, i) => {
    if (!(a instanceof TensorClass)) throw new NNError(`${name}: argument ${i} must be a Tensor, got ${typeof a}`);
  });
  for (const i of argnums) {
    if (i < 0 || i >= args.length) throw new NNError(`${name}: argnums ${i} is out of range for ${args.length} arguments`);
  }
}

/**
 * Runs `f` on `args`, differentiates its output with cotangent `seed` (ones
 * for a scalar) and returns the value and the cotangents of `args[argnums]`.
 */
function differentiate(name: string, f: TensorFn, args: Tensor[], argnums: readonly number[], seed?: (y: Tensor) => Tensor): { value: Tensor; grads: Tensor[] } {
  checkArgs(name, args, argnums);
  installAutograd();
  const engine = getEngine();
  // Nested inside an outer differentiation: record this sweep and keep the
  // intermediates alive for the outer one.
  const nested = engine.recording && argnums.some((i) => args[i]!.requiresGrad);
  const body = () => {
    const inputs = args.map((a, i) => {
      if (!argnums.includes(i)) return a;
      const marked = nested ? engine.run('reshape', [a], { shape: [...a.shape] })[0]! : engine.view(a, a.shape);
      marked.requiresGrad = true;
      return marked;
    });
    const value = f(...inputs);
    if (!(value instanceof TensorClass)) throw new NNError(`${name}: the function must return a Tensor, got ${typeof value}`);
    if (seed === undefined && value.size !== 1) {
      throw new ShapeError(`${name}: the function must return a one-element tensor, got shape [${value.shape.join(',')}]; use vjp for other outputs`);
    }
    const wrt = argnums.map((i) => inputs[i]!);
    const cotangent = seed ? seed(value) : onesLike(value);
    const found = value.requiresGrad ? backwardFrom(engine, value, cotangent, { wrt, createGraph: nested }) : new Map<Tensor, Tensor>();
    const grads = wrt.map((w) => found.get(w) ?? zerosLike(w));
    return { value: nested ? value : detach(value), grads };
  };
  return nested ? body() : engine.withRecording(() => engine.tidy(body));
}

/**
 * The gradient of a scalar function: `grad(f)(x)` is df/dx, with the shape
 * of x. `argnums` picks which arguments to differentiate: a number gives one
 * tensor, an array gives one per entry.
 *
 * @example
 * ```ts
 * const df = grad((x) => x.mul(x).sum());
 * df(tensor([1, 2, 3])).toArray(); // [2, 4, 6]
 * ```
 */
export function grad(f: TensorFn, argnums?: number): (...args: Tensor[]) => Tensor;
export function grad(f: TensorFn, argnums: readonly number[]): (...args: Tensor[]) => Tensor[];
export function grad(f: TensorFn, argnums: number | readonly number[] = 0): (...args: Tensor[]) => Tensor | Tensor[] {
  return (...args) => {
    const { value, grads } = differentiate('grad', f, args, typeof argnums === 'number' ? [argnums] : argnums);
    value.dispose();
    return typeof argnums === 'number' ? grads[0]! : grads;
  };
}

/** Like {@link grad}, but also returns the function's value: `[value, grads]`. */
export function valueAndGrad(f: TensorFn, argnums?: number): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(f: TensorFn, argnums: readonly number[]): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(f: TensorFn, argnums: number | readonly number[] = 0): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  return (...args) => {
    const { value, grads } = differentiate('valueAndGrad', f, args, typeof argnums === 'number' ? [argnums] : argnums);
    return [value, typeof argnums === 'number' ? grads[0]! : grads];
  };
}

/**
 * Vector-Jacobian product of any function: returns `f(...primals)` and the
 * cotangents of every primal for the cotangent `dy` of the output.
 *
 * @example
 * ```ts
 * const [y, [dx]] = vjp((x) => x.exp(), [x], onesLike(x));
 * ```
 */
export function vjp(f: TensorFn, primals: Tensor[], dy: Tensor): [Tensor, Tensor[]] {
  const argnums = primals.map((_, i) => i);
  const { value, grads } = differentiate('vjp', f, primals, argnums, (y) => {
    if (dy.shape.length !== y.shape.length || dy.shape.some((d, i) => d !== y.shape[i])) {
      throw new ShapeError(`vjp: cotangent has shape [${dy.shape.join(',')}] but the output has shape [${y.shape.join(',')}]`);
    }
    return dy.cast(y.dtype);
  });
  return [value, grads];
}
