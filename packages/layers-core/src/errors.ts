/**
 * Errors of @nn/layers-core.
 * @module
 */
import { NNError } from '@nn/tensor';

/** A state dict that does not fit a module: missing, unexpected or mis-shaped keys. */
export class StateDictError extends NNError {
  constructor(
    message: string,
    /** Keys the module has and the dict lacks. */
    readonly missing: readonly string[] = [],
    /** Keys the dict has and the module lacks. */
    readonly unexpected: readonly string[] = [],
    /** Keys whose shapes differ. */
    readonly mismatched: readonly string[] = [],
  ) {
    super(message, 'loadStateDict');
  }
}
