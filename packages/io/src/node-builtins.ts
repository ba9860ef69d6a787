/**
 * Node's file system, reached at call time (`process.getBuiltinModule`)
 * rather than imported: this package is imported by code that runs in
 * browsers too, where only the in-memory functions are used, and a static
 * `import 'node:fs'` would break those pages.
 * @module
 */
import type * as Fs from 'node:fs';
import type * as Path from 'node:path';
import { NNError } from '@nn/tensor';

function builtin<T>(id: string, op: string): T {
  const module = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(id);
  if (module === undefined) throw new NNError(`${op} reads and writes files, which needs Node.js 20.16 or later; in a browser, use the functions on bytes (serialize..., parse...)`, op);
  return module as T;
}

/** `node:fs`, or a typed error naming `op` where there is none. */
export const nodeFs = (op: string): typeof Fs => builtin<typeof Fs>('node:fs', op);

/** `node:path`, or a typed error naming `op` where there is none. */
export const nodePath = (op: string): typeof Path => builtin<typeof Path>('node:path', op);
