/**
 * Second-order tools over the reverse-mode tape: Jacobian-vector products
 * (`jvp`, forward-mode results) and Hessian-vector products (`hvp`), as in
 * `torch.autograd.functional` and `jax.jvp`. Neither builds a Jacobian or a
 * Hessian: each costs about two reverse sweeps, so they scale to networks.
 *
 * - jvp by the double-vjp trick: u ↦ Jᵀu is linear in u, so the gradient of
 *   ⟨Jᵀu, v⟩ with respect to u is J v, for any u (zeros here).
 * - hvp by reverse over reverse: H v is the gradient of ⟨∇f(x), v⟩.
 *
 * Every op's gradient rule is differentiable when the sweep is recorded, so
 * both work through all ops that `grad` does, fused cells included; inside
 * an outer `grad` their results are differentiable again (third order).
 * @module
 */
import { getEngine, onesLike, ShapeError, type Tensor, Tensor as TensorClass, zerosLike, NNError } from '@nn/tensor';
import { checkArgs, detach, installAutograd, type TensorFn } from './functional.js';
import { backwardFrom } from './tape.js';

function checkTangents(name: string, primals: readonly Tensor[], tangents: readonly Tensor[]): void {
  if (!Array.isArray(tangents) || tangents.length !== primals.length) {
    throw new ShapeError(`${name}: needs one tangent per primal, got ${Array.isArray(tangents) ? tangents.length : typeof tangents} for ${primals.length}`);
  }
  tangents.forEach((v, i) => {
    if (!(v instanceof TensorClass)) throw new NNError(`${name}: tangent ${i} must be a Tensor, got ${typeof v}`);
    const p = primals[i]!;
    if (v.shape.length !== p.shape.length || v.shape.some((d, k) => d !== p.shape[k])) {
      throw new ShapeError(`${name}: tangent ${i} has shape [${v.shape.join(',')}] but primal ${i} has shape [${p.shape.join(',')}]`);
    }
  });
}

/** What the shared part of `jvp` and `hvp` hands their own part. */
interface Traced {
  /** f's output (on the marked inputs). */
  y: Tensor;
  /** The marked views of the primals that f ran on. */
  inputs: Tensor[];
  /** True inside an outer differentiation: sweeps are recorded and intermediates kept. */
  nested: boolean;
  /** f's output as returned: detached unless nested. */
  value: Tensor;
}

/**
 * Checks the arguments, then runs f on marked views of the primals and
 * `body` on the result, as `grad` runs its sweep: on its own tape,
 * releasing every intermediate; or, inside an outer differentiation (a
 * primal that already requires grad while autograd records), recorded
 * with its intermediates kept, so that the products can be differentiated
 * again.
 */
function traced<T>(name: string, f: TensorFn, primals: Tensor[], tangents: Tensor[], body: (t: Traced) => T): T {
  checkArgs(name, primals, []);
  checkTangents(name, primals, tangents);
  installAutograd();
  const engine = getEngine();
  const nested = engine.recording && primals.some((p) => p.requiresGrad);
  const run = () => {
    const inputs = markedInputs(primals);
    const y = f(...inputs);
    if (!(y instanceof TensorClass)) throw new NNError(`${name}: the function must return a Tensor, got ${typeof y}`);
    return body({ y, inputs, nested, value: nested ? y : detach(y) });
  };
  return nested ? run() : engine.withRecording(() => engine.tidy(run));
}

/**
 * Σ_i ⟨g_i, v_i⟩ over the cotangents `found` of the inputs that are still
 * differentiable (a recorded first sweep), or null when none is: the
 * second sweep then has nothing to differentiate, and the product is zero.
 */
function contract(found: Map<Tensor, Tensor>, inputs: readonly Tensor[], tangents: readonly Tensor[]): Tensor | null {
  const live = inputs.map((x, i) => [found.get(x), tangents[i]!] as const).filter(([g]) => g !== undefined && g.requiresGrad);
  return live.length === 0 ? null : innerProduct(live.map(([g]) => g!), live.map(([, v]) => v));
}

/** Fresh views of `args` that require grad, recorded so that a second sweep reaches them. */
function markedInputs(args: readonly Tensor[]): Tensor[] {
  const engine = getEngine();
  return args.map((a) => {
    const marked = engine.run('reshape', [a], { shape: [...a.shape] })[0]!;
    marked.requiresGrad = true;
    return marked;
  });
}

/** Σ_i ⟨a_i, b_i⟩ as a scalar tensor (recorded). */
function innerProduct(a: readonly Tensor[], b: readonly Tensor[]): Tensor {
  return a.map((t, i) => t.mul(b[i]!.cast(t.dtype)).sum()).reduce((s, t) => s.add(t));
}

/**
 * Jacobian-vector product: returns `f(...primals)` and J·v, the directional
 * derivative of f along `tangents` (one per primal, of its shape), with the
 * shape of f's output. JAX's `jvp(f, primals, tangents)` and PyTorch's
 * `torch.autograd.functional.jvp(f, inputs, v)`.
 *
 * @example
 * ```ts
 * const [y, dy] = jvp((x) => x.square(), [tensor([1, 2, 3])], [tensor([1, 0, 1])]);
 * dy.toArray(); // [2, 0, 6]
 * ```
 */
export function jvp(f: TensorFn, primals: Tensor[], tangents: Tensor[]): [Tensor, Tensor] {
  return traced('jvp', f, primals, tangents, ({ y, inputs, nested, value }) => {
    const engine = getEngine();
    if (!y.requiresGrad) return [value, zerosLike(y)];
    const u = zerosLike(y);
    u.requiresGrad = true;
    const s = contract(backwardFrom(engine, y, u, { wrt: inputs, createGraph: true }), inputs, tangents);
    const jv = s && backwardFrom(engine, s, onesLike(s), { wrt: [u], createGraph: nested }).get(u);
    return [value, jv ?? zerosLike(y)];
  });
}

/**
 * Hessian-vector product of a scalar function: returns `f(...primals)` and
 * H·v, one tensor per primal, where H is the Hessian with respect to all
 * primals together and v is `tangents`. PyTorch's
 * `torch.autograd.functional.hvp(f, inputs, v)`; what Hessian-free
 * optimisation (Martens 2010) and Newton-CG are built on.
 *
 * @example
 * ```ts
 * // f(x) = Σ x³: H = diag(6x).
 * const [, [hv]] = hvp((x) => x.pow(3).sum(), [tensor([1, 2])], [tensor([1, 1])]);
 * hv.toArray(); // [6, 12]
 * ```
 */
export function hvp(f: TensorFn, primals: Tensor[], tangents: Tensor[]): [Tensor, Tensor[]] {
  return traced('hvp', f, primals, tangents, ({ y, inputs, nested, value }) => {
    if (y.size !== 1) throw new ShapeError(`hvp: the function must return a one-element tensor, got shape [${y.shape.join(',')}]; use jvp for other outputs`);
    const engine = getEngine();
    const s = y.requiresGrad ? contract(backwardFrom(engine, y, onesLike(y), { wrt: inputs, createGraph: true }), inputs, tangents) : null;
    const second = s && backwardFrom(engine, s, onesLike(s), { wrt: inputs, createGraph: nested });
    return [value, inputs.map((x) => second?.get(x) ?? zerosLike(x))];
  });
}
