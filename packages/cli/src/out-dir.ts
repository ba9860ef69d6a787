/**
 * The output directory of a run, checked before training starts: a run that
 * cannot save must fail in its first second, not after an hour.
 * @module
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { UsageError } from './args.js';

/** Creates `dir` (and its parents) if needed; throws a UsageError if it is a file or cannot be written. */
export function prepareOutDir(dir: string): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
    if (!isDir) throw new UsageError(`--out ${dir} is a file, not a directory: choose a directory for the run's outputs`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
  try {
    if (!isDir) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new UsageError(`--out ${dir} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): choose another directory`);
  }
}
