/**
 * @nn/io: checkpoints in the safetensors format, interoperable with PyTorch
 * (`safetensors.torch.load_file`) and Hugging Face tools.
 *
 * @example
 * ```ts
 * import { saveSafetensors, loadSafetensors } from '@nn/io';
 * saveSafetensors('model.safetensors', model.stateDict(), { epoch: '5' });
 * model.loadStateDict(loadSafetensors('model.safetensors').tensors);
 * ```
 * @packageDocumentation
 */
export { serializeSafetensors, parseSafetensors, SafetensorsError, type SafetensorsContent, type SerializeOptions } from './safetensors.js';
export { saveSafetensors, loadSafetensors } from './files.js';
export { nodeFs, nodePath } from './node-builtins.js';
