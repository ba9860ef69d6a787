/**
 * The error of the linear-algebra ops.
 * @module
 */
import { NNError } from '@nn/tensor';

/** A matrix that is singular, not positive definite, or too ill-conditioned to solve with in its dtype. */
export class LinAlgError extends NNError {}
