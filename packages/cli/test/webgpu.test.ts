import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/index.js';

describe('nn train and eval --backend webgpu', () => {
  it('trains on the GPU, writes a checkpoint, and evaluates it as cpu does', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nn-webgpu-')), 'run');
    const out: string[] = [], err: string[] = [];
    const code = await run(['train', 'mlp', '--data', 'mnist', '--hidden', '32', '--epochs', '1', '--train-size', '512', '--out', dir, '--backend', 'webgpu'], (l) => out.push(l), (l) => err.push(l));
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^backend: webgpu \(/);
    const accuracy = Number(/final test accuracy: ([\d.]+)%/.exec(out.join('\n'))![1]);
    // 512 samples, one epoch: well above chance (10%), far from done.
    expect(accuracy).toBeGreaterThan(30);
    const evals: string[] = [];
    for (const backend of ['webgpu', 'cpu']) {
      const lines: string[] = [];
      expect(await run(['eval', dir, '--backend', backend], (l) => lines.push(l), (l) => err.push(l))).toBe(0);
      evals.push(lines.at(-1)!);
    }
    expect(evals[0]).toMatch(/accuracy/);
    expect(evals[0]).toBe(evals[1]);
  });
});
