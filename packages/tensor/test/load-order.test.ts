import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

// Each module of the built package, imported first in a fresh process, then the package's entry, then an op:
// the modules import each other in a circle, and no module may need another one's value while loading.
const probe = `
const [first, entry] = process.argv.slice(1);
await import(first);
const nn = await import(entry);
const y = nn.tensor([1, 2]).add(1).cumsum(0);
if (String(Array.from(y.dataSync())) !== '2,5') throw new Error('wrong result ' + Array.from(y.dataSync()));
`;

describe('load order', () => {
  it('any module of the built package loads first and the package still works', async () => {
    expect(existsSync(join(dist, 'index.js')), 'build @nn/tensor first (npx tsc -b packages/tensor)').toBe(true);
    const files = modules(dist);
    expect(files.length).toBeGreaterThan(20);
    const failures: string[] = [];
    const run = promisify(execFile);
    for (let i = 0; i < files.length; i += 4) {
      await Promise.all(
        files.slice(i, i + 4).map((file) =>
          run(process.execPath, ['--input-type=module', '-e', probe, file, join(dist, 'index.js')]).catch((e: { stderr?: string }) => {
            failures.push(`${relative(dist, file)}: ${(e.stderr ?? String(e)).split('\n').find((l) => /Error/.test(l)) ?? e.stderr}`);
          }),
        ),
      );
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
