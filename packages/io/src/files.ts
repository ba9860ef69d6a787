/**
 * Saving and loading safetensors files, atomically.
 * @module
 */
import type { Tensor } from '@nn/tensor';
import { nodeFs, nodePath } from './node-builtins.js';
import { parseSafetensors, type SafetensorsContent, SafetensorsError, serializeSafetensors, type SerializeOptions } from './safetensors.js';

/**
 * Writes tensors to a safetensors file atomically: to a temporary file in
 * the same directory, flushed to disk, then renamed over `path`, so a crash
 * never leaves a half-written checkpoint.
 */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}, options: SerializeOptions = {}): void {
  const { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } = nodeFs('saveSafetensors');
  const { basename, dirname, join } = nodePath('saveSafetensors');
  const bytes = serializeSafetensors(tensors, metadata, options);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Reads and validates a safetensors file. */
export function loadSafetensors(path: string): SafetensorsContent {
  const { readFileSync } = nodeFs('loadSafetensors');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new SafetensorsError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  return parseSafetensors(bytes, path);
}
