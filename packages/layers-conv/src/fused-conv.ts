/**
 * `fusedConv2d`: a convolution, its per-channel bias and a pointwise
 * activation as one op (TensorFlow.js's `fused.conv2d`), so a backend can
 * finish each output plane while it is still in cache. A composite: every
 * backend runs it, and autograd differentiates the written-out form.
 * @module
 */
import { applyActivation, checkFusedActivation, fmtShape, type FusedConv2dAttrs, getEngine, type OpDef, ShapeError } from '@nn/tensor';

export type { FusedConv2dAttrs };

/** Descriptor of `fusedConv2d` (x, weight, bias [O]). */
export const fusedConv2dDef: OpDef<FusedConv2dAttrs> = {
  name: 'fusedConv2d',
  inputs: ['x', 'weight', 'bias'],
  infer([x, w, b], attrs) {
    checkFusedActivation(attrs.activation, 'conv2d');
    const [y] = getEngine().registry.op('conv2d').infer([x!, w!], attrs);
    if (b!.shape.length !== 1 || b!.shape[0] !== w!.shape[0] || b!.dtype !== x!.dtype) {
      throw new ShapeError(`bias ${fmtShape(b!.shape)} (${b!.dtype}) must have one ${x!.dtype} entry per output channel (${w!.shape[0]})`, 'conv2d');
    }
    return [y!];
  },
  composite([x, w, b], { activation, ...conv }) {
    const [y] = getEngine().run('conv2d', [x!, w!], conv);
    return [applyActivation(y!.add(b!.reshape([1, b!.shape[0]!, 1, 1])), activation)];
  },
};
