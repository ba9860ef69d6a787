/**
 * `Parameter`: a tensor a Module learns.
 * @module
 */
import { installAutograd } from '@nn/autograd';
import { getEngine, Tensor } from '@nn/tensor';

/**
 * A tensor that a {@link Module} owns and an optimizer updates. It requires
 * grad by default, is never disposed by a `tidy` scope, and is updated in
 * place with `assign` (under `noGrad`). Assigning one to a Module's property
 * registers it, as in PyTorch.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const ref = getEngine().refOf(data, 'Parameter', 'data');
    super(data.engine, ref, data.shape, data.dtype);
    data.engine.register(this, false);
    this.kept = true;
    if (requiresGrad) {
      installAutograd();
      this.requiresGrad = true;
    }
  }
}
