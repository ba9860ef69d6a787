/**
 * Text for character-level language models.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NNError, tensor, type Tensor, ValueError } from '@nn/tensor';

/** Reads a text file, or every regular file of a directory (sorted by name, joined by blank lines). */
export function loadText(path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw new NNError(`loadText: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!stat.isDirectory()) return readFileSync(path, 'utf8');
  const files = readdirSync(path).sort().map((f) => join(path, f)).filter((f) => statSync(f).isFile());
  if (files.length === 0) throw new NNError(`loadText: ${path} holds no files`);
  return files.map((f) => readFileSync(f, 'utf8')).join('\n\n');
}

/** The characters of a text, as ids. */
export class CharVocabulary {
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;

  constructor(textOrChars: string | readonly string[]) {
    const chars = typeof textOrChars === 'string' ? [...new Set(Array.from(textOrChars))].sort() : [...textOrChars];
    if (chars.length === 0) throw new ValueError('needs at least one character', 'CharVocabulary');
    this.chars = chars;
    this.index = new Map(chars.map((c, i) => [c, i]));
  }

  get size(): number {
    return this.chars.length;
  }

  /** Ids of a string; characters outside the vocabulary are an error naming the first one. */
  encode(text: string): Int32Array {
    const chars = Array.from(text);
    const ids = new Int32Array(chars.length);
    chars.forEach((c, i) => {
      const id = this.index.get(c);
      if (id === undefined) throw new ValueError(`character ${JSON.stringify(c)} at ${i} is not in the vocabulary`, 'CharVocabulary');
      ids[i] = id;
    });
    return ids;
  }

  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (i) => this.chars[i] ?? '').join('');
  }
}

/**
 * Random windows of a token stream for language modelling: `batch` windows
 * of `length` + 1 tokens, as inputs x [length, batch] and next-token targets
 * y [length, batch]. Seeded by `manualSeed` through `starts`.
 */
export function sequenceBatch(ids: Int32Array, starts: ArrayLike<number>, length: number): { x: Tensor; y: Tensor } {
  const batch = starts.length;
  const x = new Int32Array(length * batch), y = new Int32Array(length * batch);
  for (let b = 0; b < batch; b++) {
    const s = starts[b]!;
    if (s < 0 || s + length >= ids.length) throw new ValueError(`window at ${s} of length ${length} + 1 does not fit ${ids.length} tokens`, 'sequenceBatch');
    for (let t = 0; t < length; t++) {
      x[t * batch + b] = ids[s + t]!;
      y[t * batch + b] = ids[s + t + 1]!;
    }
  }
  return { x: tensor(x, [length, batch], 'int32'), y: tensor(y, [length, batch], 'int32') };
}
