import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharVocabulary, loadText, sequenceBatch } from '@nn/data';
import { manualSeed } from '@nn/tensor';
import { CharLSTM } from '../src/index.js';

describe('character data and the char-LSTM', () => {
  it('vocabulary, windows, and text from a directory', () => {
    const v = new CharVocabulary('hello world');
    expect(v.size).toBe(8);
    expect(v.decode(v.encode('hold'))).toBe('hold');
    expect(() => v.encode('hex')).toThrow(/character "x" at 2 is not in the vocabulary/);
    const ids = v.encode('hello world');
    const { x, y } = sequenceBatch(ids, [0, 5], 4);
    expect(x.shape).toEqual([4, 2]);
    expect(v.decode(Array.from(x.index(null, 0).dataSync()))).toBe('hell');
    expect(v.decode(Array.from(y.index(null, 0).dataSync()))).toBe('ello');
    const dir = mkdtempSync(join(tmpdir(), 'nn-text-'));
    writeFileSync(join(dir, 'b.txt'), 'second');
    writeFileSync(join(dir, 'a.txt'), 'first');
    expect(loadText(dir)).toBe('first\n\nsecond');
  });

  it('generates reproducibly from a seed, within the vocabulary', () => {
    manualSeed(2);
    const model = new CharLSTM(10, { embeddingDim: 4, hiddenSize: 8 });
    const a = model.generate([1, 2, 3], { length: 20, seed: 5 });
    const b = model.generate([1, 2, 3], { length: 20, seed: 5 });
    expect(a).toEqual(b);
    expect(a.length).toBe(20);
    expect(a.every((i) => i >= 0 && i < 10)).toBe(true);
    expect(model.forward(sequenceBatch(new Int32Array([1, 2, 3, 4, 5, 6]), [0, 1], 4).x).shape).toEqual([4, 2, 10]);
  });
});
