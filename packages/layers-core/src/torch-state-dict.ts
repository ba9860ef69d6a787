/**
 * State dicts under PyTorch's names, for exchanging weights with PyTorch and
 * torchvision (written with the `safetensors` Python package, read with
 * @nn/io, or the other way). nn's keys are its attribute paths; PyTorch's
 * are the same paths in snake_case (`bn1.runningMean` is
 * `bn1.running_mean`), except where a module says otherwise through
 * `Module.torchKeys` (the recurrent layers: `weight_ih_l0`, ...).
 * @module
 */
import type { Tensor } from '@nn/tensor';
import type { Module, StateDict } from './module.js';

/** `runningMean` → `running_mean`; `layer1`, `fc2`, `inception3a` stay as they are. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** nn's state-dict key → PyTorch's, for every entry of `model`'s state dict. */
export function torchKeyMap(model: Module): Map<string, string> {
  const overrides: [prefix: string, keys: Record<string, string>][] = [];
  for (const [prefix, m] of model.namedModules()) {
    const keys = m.torchKeys();
    if (keys !== undefined) overrides.push([prefix, keys]);
  }
  // the deepest module with names of its own decides
  overrides.sort((a, b) => b[0].length - a[0].length);
  const map = new Map<string, string>();
  for (const key of Object.keys(model.stateDict())) {
    const hit = overrides.find(([p]) => p === '' || key.startsWith(`${p}.`));
    const relative = hit === undefined ? undefined : hit[0] === '' ? key : key.slice(hit[0].length + 1);
    const own = hit !== undefined ? hit[1][relative!] : undefined;
    map.set(key, own === undefined ? key.split('.').map(snakeCase).join('.') : hit![0] === '' ? own : `${hit![0].split('.').map(snakeCase).join('.')}.${own}`);
  }
  return map;
}

/** The model's parameters and buffers under PyTorch's names (the tensors are the module's own). */
export function torchStateDict(model: Module): Record<string, Tensor> {
  const own = model.stateDict();
  const out: Record<string, Tensor> = {};
  for (const [key, torchKey] of torchKeyMap(model)) out[torchKey] = own[key]!;
  return out;
}

/**
 * Loads a state dict saved from PyTorch (`model.state_dict()`): keys are
 * mapped to nn's and loaded as `loadStateDict` does (strict by default:
 * every key, every shape; integer buffers such as `num_batches_tracked`
 * arrive as int32 from an int64 file).
 */
export function loadTorchStateDict(model: Module, dict: Record<string, Tensor>, options: { strict?: boolean } = {}): void {
  const back = new Map([...torchKeyMap(model)].map(([k, t]) => [t, k]));
  const renamed: StateDict = {};
  for (const [k, v] of Object.entries(dict)) renamed[back.get(k) ?? k] = v;
  model.loadStateDict(renamed, options);
}
