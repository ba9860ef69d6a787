/**
 * `Embedding`: a lookup table of learned vectors.
 * @module
 */
import { Module, Parameter } from '@nn/layers-core';
import { DTypeError, randn, type Tensor, ValueError } from '@nn/tensor';

/** Maps integer ids [...] to vectors [..., dim]; weights N(0, 1) as PyTorch. Gradients flow only to the rows used. */
export class Embedding extends Module {
  weight: Parameter;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number) {
    super();
    if (!Number.isInteger(numEmbeddings) || numEmbeddings < 1 || !Number.isInteger(embeddingDim) || embeddingDim < 1) {
      throw new ValueError(`sizes must be positive integers, got ${numEmbeddings} and ${embeddingDim}`, 'Embedding');
    }
    this.weight = new Parameter(randn([numEmbeddings, embeddingDim]));
  }
  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new DTypeError(`ids must be int32, got ${ids.dtype}`, 'Embedding');
    return this.weight.gather(ids, 0);
  }
}
