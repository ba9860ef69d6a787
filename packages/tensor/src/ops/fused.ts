/**
 * Fused ops: a product, its bias and a pointwise activation as one op, so a
 * backend can apply the bias and activation while the product's output is
 * still in cache, with one dispatch instead of three (TensorFlow.js's
 * `fused.matMul`, PyTorch's `F.linear`). They are composites: every backend
 * runs them, and autograd differentiates the written-out form.
 * @module
 */
import { getEngine } from '../context.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import type { Tensor } from '../tensor.js';
import { matmul } from './linalg.js';
import { tensorArg } from './run.js';

/** The activations a fused op can apply: pointwise ops of this package, which every backend runs. */
export type FusedActivationOp = 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'elu' | 'gelu';

/**
 * A pointwise activation applied inside a fused op: the op's name and its
 * attributes (`slope` of leakyRelu, `alpha` of elu, `approximate` 0/1 of gelu,
 * as @nn/activations runs them).
 */
export interface FusedActivation {
  readonly op: FusedActivationOp;
  readonly attrs?: Readonly<Record<string, number>>;
}

const FUSED_ACTIVATIONS: ReadonlySet<string> = new Set<FusedActivationOp>(['relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'gelu']);

/** Checks a fused op's activation attribute; names the op in the error. */
export function checkFusedActivation(activation: FusedActivation | null | undefined, op: string): void {
  if (activation != null && !FUSED_ACTIVATIONS.has(activation.op)) {
    throw new ValueError(`activation must be one of ${[...FUSED_ACTIVATIONS].join(', ')}, got '${activation.op}'`, op);
  }
}

/** Applies a fused op's activation as its own op (the composite form); none leaves `y` as it is. */
export function applyActivation(y: Tensor, activation: FusedActivation | null | undefined): Tensor {
  return activation == null ? y : getEngine().run(activation.op, [y], { ...activation.attrs })[0]!;
}

/** Attributes of the `fusedLinear` op. */
export interface FusedLinearAttrs {
  [key: string]: unknown;
  activation: FusedActivation | null;
}

/** The fused composites. */
export const fusedOps = {
  fusedLinear: defineOp<FusedLinearAttrs>({
  name: 'fusedLinear',
  inputs: ['x', 'weight', 'bias'],
  infer([x, w, b], { activation }) {
    checkFusedActivation(activation, 'linear');
    if (x!.dtype !== w!.dtype || x!.dtype !== b!.dtype || (x!.dtype !== 'float32' && x!.dtype !== 'float64')) {
      throw new DTypeError(`x, weight and bias must share a float dtype: got ${x!.dtype}, ${w!.dtype}, ${b!.dtype}`, 'linear');
    }
    const features = x!.shape[x!.shape.length - 1];
    if (x!.shape.length < 1 || w!.shape.length !== 2 || w!.shape[1] !== features || b!.shape.length !== 1 || b!.shape[0] !== w!.shape[0]) {
      throw new ShapeError(`x ${fmtShape(x!.shape)} must end in weight ${fmtShape(w!.shape)}'s in-features, and bias ${fmtShape(b!.shape)} must have one entry per out-feature`, 'linear');
    }
    return [{ shape: [...x!.shape.slice(0, -1), w!.shape[0]!], dtype: x!.dtype }];
  },
  composite([x, w, b], { activation }) {
    return [applyActivation(matmul(x!, w!, { transposeB: true }).add(b!), activation)];
  },
  }),
};

/** Descriptors of the fused ops. */
export const fusedOpDefs: OpDef[] = Object.values(fusedOps);

/**
 * y = activation(x Wᵀ + b), the fully connected layer, as one op: x
 * [..., in], weight [out, in] (PyTorch's layout), bias [out]. Without a bias
 * it is a matmul followed by the activation.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, { activation = null }: { activation?: FusedActivation | null } = {}): Tensor {
  tensorArg(x, 'linear', 'x');
  tensorArg(weight, 'linear', 'weight');
  if (bias == null) {
    checkFusedActivation(activation, 'linear');
    return applyActivation(matmul(x, weight, { transposeB: true }), activation);
  }
  tensorArg(bias, 'linear', 'bias');
  return fusedOps.fusedLinear.run1([x, weight, bias], { activation });
}
