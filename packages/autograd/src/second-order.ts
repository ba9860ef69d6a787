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

/**
 * Runs `body` as `grad` runs its sweep: on its own tape, releasing every
 * intermediate; or, inside an outer differentiation (a primal that already
 * requires grad while autograd records), recorded with its intermediates
 * kept, so that the products can be differentiated again.
 */
function sweepScope<T>(primals: readonly Tensor[], body: (nested: boolean) => T): T {
  const engine = getEngine();
  const nested = engine.recording && primals.some((p) => p.requiresGrad);
  return nested ? body(true) : engine.withRecording(() => engine.tidy(() => body(false)));
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
  checkArgs('jvp', primals, []);
  checkTangents('jvp', primals, tangents);
  installAutograd();
  const engine = getEngine();
  return sweepScope(primals, (nested) => {
    const out = (y: Tensor) => (nested ? y : detach(y));
    const inputs = markedInputs(primals);
    const y = f(...inputs);
    if (!(y instanceof TensorClass)) throw new NNError(`jvp: the function must return a Tensor, got ${typeof y}`);
    if (!y.requiresGrad) return [out(y), zerosLike(y)] as [Tensor, Tensor];
    const u = zerosLike(y);
    u.requiresGrad = true;
    const found = backwardFrom(engine, y, u, { wrt: inputs, createGraph: true });
    const vjps = inputs.map((x) => found.get(x)).map((g, i) => [g, tangents[i]!] as const).filter(([g]) => g !== undefined && g.requiresGrad);
    if (vjps.length === 0) return [out(y), zerosLike(y)] as [Tensor, Tensor];
    const s = innerProduct(vjps.map(([g]) => g!), vjps.map(([, v]) => v));
    const jv = backwardFrom(engine, s, onesLike(s), { wrt: [u], createGraph: nested }).get(u) ?? zerosLike(y);
    return [out(y), jv] as [Tensor, Tensor];
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
  checkArgs('hvp', primals, []);
  checkTangents('hvp', primals, tangents);
  installAutograd();
  const engine = getEngine();
  return sweepScope(primals, (nested) => {
    const out = (y: Tensor) => (nested ? y : detach(y));
    const inputs = markedInputs(primals);
    const y = f(...inputs);
    if (!(y instanceof TensorClass)) throw new NNError(`hvp: the function must return a Tensor, got ${typeof y}`);
    if (y.size !== 1) throw new ShapeError(`hvp: the function must return a one-element tensor, got shape [${y.shape.join(',')}]; use jvp for other outputs`);
    const zeros = () => inputs.map((x) => zerosLike(x));
    if (!y.requiresGrad) return [out(y), zeros()] as [Tensor, Tensor[]];
    const found = backwardFrom(engine, y, onesLike(y), { wrt: inputs, createGraph: true });
    const grads = inputs.map((x) => found.get(x));
    const live = grads.map((g, i) => [g, tangents[i]!] as const).filter(([g]) => g !== undefined && g.requiresGrad);
    if (live.length === 0) return [out(y), zeros()] as [Tensor, Tensor[]];
    const s = innerProduct(live.map(([g]) => g!), live.map(([, v]) => v));
    const second = backwardFrom(engine, s, onesLike(s), { wrt: inputs, createGraph: nested });
    return [out(y), inputs.map((x) => second.get(x) ?? zerosLike(x))] as [Tensor, Tensor[]];
  });
}
