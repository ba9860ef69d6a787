/**
 * Which layer of a model an error came from. `Module.call` notes, on the
 * way out of a failed call, the innermost module that the error passed
 * through and the shapes it was called with; a model can then say which of
 * its layers failed, and on what, instead of leaving the user with an op's
 * message and no place in the network.
 * @module
 */
import { fmtShape, NNError, ShapeError, type Tensor } from '@nn/tensor';
import type { Module } from './module.js';

/** Where an error was thrown: the innermost module whose call it left, and that call's input shapes. */
export interface FailingLayer {
  readonly module: Module;
  readonly inputShapes: readonly (readonly number[])[];
}

const failures = new WeakMap<object, FailingLayer>();

/** Records `module` as where `error` was thrown, unless an inner module was recorded already. */
export function noteFailure(error: unknown, module: Module, inputs: readonly Tensor[]): void {
  if (typeof error === 'object' && error !== null && !failures.has(error)) failures.set(error, { module, inputShapes: inputs.map((t) => [...t.shape]) });
}

/** The innermost module whose `call` `error` was thrown from, with its input shapes; undefined for errors from outside any call. */
export function failingLayer(error: unknown): FailingLayer | undefined {
  return typeof error === 'object' && error !== null ? failures.get(error) : undefined;
}

/**
 * Runs a model's forward pass; a shape error from one of its layers is
 * rethrown naming the model, the layer (its path in the model and its
 * class), the shape that layer got and the op's own message, with
 * `explain` (why an input can be too small for this model) appended.
 */
export function withLayerContext<T>(model: Module, x: Tensor, explain: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    const at = failingLayer(e);
    if (!(e instanceof ShapeError) || at === undefined || at.module === model) throw e;
    const path = model.namedModules().find(([, m]) => m === at.module)?.[0];
    if (path === undefined) throw e;
    const cause = e.message;
    const error = new ShapeError(
      `input ${fmtShape(x.shape)} does not fit: layer ${path} (${at.module.constructor.name}) got ${at.inputShapes.map(fmtShape).join(', ')} and failed: ${cause}. ${explain}`,
      model.label,
    );
    (error as NNError & { cause?: unknown }).cause = e;
    throw error;
  }
}
