/**
 * Typed errors raised by nn. Every message names the op, the argument and
 * the shapes involved, so that a user can find the mistake without a debugger.
 * @module
 */

/** Base class of every error nn raises on purpose. */
export class NNError extends Error {
  /** The op being run when the error was raised, when there was one. */
  readonly op: string | undefined;
  constructor(message: string, op?: string) {
    super(op !== undefined && !message.startsWith(`${op}:`) ? `${op}: ${message}` : message);
    this.name = new.target.name;
    this.op = op;
  }
}

/** Shapes that do not fit together: broadcasting, matmul dimensions, reshape sizes, axes. */
export class ShapeError extends NNError {}

/** An input whose dtype the op does not accept, or two inputs whose dtypes disagree. */
export class DTypeError extends NNError {}

/** A tensor used after `dispose()` (directly, or by the end of its `tidy` scope). */
export class DisposedTensorError extends NNError {}

/** An op name that no registered plugin defines. */
export class UnknownOpError extends NNError {}

/** A plugin that targets a registry API version this core does not speak, or is malformed. */
export class PluginError extends NNError {}

/** A plugin whose `apiVersion` does not match {@link REGISTRY_API_VERSION}. */
export class PluginVersionError extends PluginError {}

/** A backend that is unknown, failed to initialise, or lacks what an operation needs. */
export class BackendError extends NNError {}

/** An argument with a bad value (not a shape or dtype problem): a negative size, an out-of-range index. */
export class ValueError extends NNError {}

/** Tensors from two different copies of `@nn/tensor` were mixed in one process. */
export class DuplicateCoreError extends NNError {}

/** Formats a shape the way messages print it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * The current version of the registry API. A plugin declares the version it
 * targets in `apiVersion`; a different major version is refused with a
 * {@link PluginVersionError}.
 */
export const REGISTRY_API_VERSION = 1;
