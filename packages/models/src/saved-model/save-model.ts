/**
 * Whole models: architecture and weights in one safetensors file, so a
 * model is reloaded without the code that built it.
 * @module
 */
import { loadSafetensors, nodeFs, nodePath, parseSafetensors, saveSafetensors, serializeSafetensors } from '@nn/io';
import type { Module } from '@nn/layers-core';
import { getSeedState, setSeedState, type Tensor } from '@nn/tensor';
import { buildModule, ModelFormatError, moduleSpec, type ModuleSpec } from './module-spec.js';

/** The file `saveModel` writes in its directory. */
export const MODEL_FILE = 'model.safetensors';

/** The metadata key that holds the architecture. */
export const ARCHITECTURE_KEY = 'nn.model';

/** What the architecture entry holds. */
interface Architecture {
  format: 1;
  training: boolean;
  module: ModuleSpec;
}

/**
 * The architecture of `model` as the JSON string {@link saveModel} stores
 * under the `nn.model` metadata key; pass it in a checkpoint's metadata to
 * make that checkpoint loadable by {@link loadModel}. Throws a typed error
 * naming the first sub-module whose class is not registered.
 */
export function describeModel(model: Module): string {
  const architecture: Architecture = { format: 1, training: model.training, module: moduleSpec(model) };
  return JSON.stringify(architecture);
}

/** The model as safetensors bytes: its state dict, with the architecture in the metadata (for browsers, or to send). */
export function serializeModel(model: Module, metadata: Record<string, string> = {}): Uint8Array {
  return serializeSafetensors(model.stateDict(), { ...metadata, [ARCHITECTURE_KEY]: describeModel(model) });
}

/** Rebuilds a model from the bytes {@link serializeModel} made. */
export function parseModel(bytes: Uint8Array, source = 'buffer'): Module {
  const { tensors, metadata } = parseSafetensors(bytes, source);
  return rebuild(tensors, metadata, source);
}

/**
 * Saves `model` to `dir/model.safetensors` (the directory is created): the
 * state dict, readable by PyTorch's `safetensors.torch.load_file`, with the
 * architecture in the metadata. Works for `Sequential` of nn's layers,
 * @nn/models' builders and classes, and any class given to
 * {@link registerModule}.
 *
 * @example
 * ```ts
 * saveModel(mlp([784, 256, 10]), 'runs/mlp');
 * const model = loadModel('runs/mlp'); // a Sequential, weights restored
 * ```
 */
export function saveModel(model: Module, dir: string, { metadata = {} }: { metadata?: Record<string, string> } = {}): void {
  const architecture = describeModel(model);
  nodeFs('saveModel').mkdirSync(dir, { recursive: true });
  saveSafetensors(nodePath('saveModel').join(dir, MODEL_FILE), model.stateDict(), { ...metadata, [ARCHITECTURE_KEY]: architecture });
}

/**
 * Loads a model saved by {@link saveModel} (or a checkpoint whose metadata
 * holds {@link describeModel}'s string): `path` is the directory or the
 * `.safetensors` file. The model comes back in the training mode it was
 * saved in. The global random state is left as it was (construction draws
 * initial weights, which the stored ones replace).
 */
export function loadModel(path: string): Module {
  const { existsSync, statSync } = nodeFs('loadModel');
  const file = existsSync(path) && statSync(path).isDirectory() ? nodePath('loadModel').join(path, MODEL_FILE) : path;
  const { tensors, metadata } = loadSafetensors(file);
  return rebuild(tensors, metadata, file);
}

function rebuild(tensors: Record<string, Tensor>, metadata: Record<string, string>, source: string): Module {
  try {
    const text = metadata[ARCHITECTURE_KEY];
    if (text === undefined) throw new ModelFormatError(`holds weights but no architecture (no '${ARCHITECTURE_KEY}' metadata): build the model in code and call model.loadStateDict(loadSafetensors(file).tensors)`, source);
    let architecture: Architecture;
    try {
      architecture = JSON.parse(text) as Architecture;
    } catch (e) {
      throw new ModelFormatError(`the '${ARCHITECTURE_KEY}' metadata is not JSON (${(e as Error).message})`, source);
    }
    if (architecture?.format !== 1) throw new ModelFormatError(`architecture format ${JSON.stringify(architecture?.format)} is not one this version reads (1)`, source);
    const seed = getSeedState();
    let model: Module;
    try {
      model = buildModule(architecture.module, source);
    } finally {
      setSeedState(seed);
    }
    try {
      model.loadStateDict(tensors);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return model.train(architecture.training !== false);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
