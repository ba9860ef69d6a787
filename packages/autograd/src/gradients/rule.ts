/**
 * The shape of a gradient rule.
 * @module
 */
import type { Attrs, GradientContext, Tensor } from '@nn/tensor';

/**
 * A vector-Jacobian product: given the cotangent of each output, the
 * cotangent of each input (null where an input takes none, e.g. indices).
 * Written in ops, so it runs on any backend and is itself differentiable.
 */
export type Rule<A extends Attrs = any> = (dys: readonly Tensor[], ctx: GradientContext<A>) => (Tensor | null)[];
