import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../../', import.meta.url));

// Pages import @nn/models (and through it @nn/io): a static `import ... from 'node:fs'` in their
// built modules breaks those pages (Vite and browsers cannot link it), so Node's modules are reached at call time.
describe('browser-safe builds', () => {
  it('no built module of @nn/models or @nn/io imports a node: module statically', () => {
    const offenders: string[] = [];
    for (const pkg of ['models', 'io']) {
      const dist = join(packages, pkg, 'dist');
      const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
      expect(files.length, `build @nn/${pkg} first`).toBeGreaterThan(0);
      for (const f of files) {
        const text = readFileSync(join(dist, f), 'utf8');
        if (/^\s*(import|export)\b[^;]*?from\s*['"]node:/m.test(text) || /^\s*import\s*['"]node:/m.test(text)) offenders.push(`${pkg}/dist/${f}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
