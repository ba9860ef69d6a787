import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./type-fixtures/', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The settings of tsconfig.base.json that matter here, for one file at a time. */
const OPTIONS = ['--ignoreConfig', '--noEmit', '--pretty', 'false', '--strict', '--verbatimModuleSyntax', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--lib', 'ES2022,ESNext.Disposable,DOM', '--skipLibCheck'];

/** Type-checks one fixture; returns tsc's exit status and output. */
function typecheck(file: string): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync(process.execPath, [tsc, ...OPTIONS, `${fixtures}${file}`], { encoding: 'utf8' }) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { status: err.status, output: err.stdout };
  }
}

describe('the op catalog at the type level', () => {
  it('the control fixture compiles (a rule for the new primitive, a kernel with its own attributes)', () => {
    const r = typecheck('ok.ts');
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('a primitive without a gradient rule does not compile', () => {
    const r = typecheck('missing-rule.ts');
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/missing-rule\.ts\(7,14\): error TS2322/);
    expect(r.output).toMatch(/Property 'cube' is missing/);
  }, 120_000);

  it('a kernel with the wrong attribute type does not compile', () => {
    const r = typecheck('wrong-attrs.ts');
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/wrong-attrs\.ts.*error TS2345/);
    expect(r.output).toMatch(/ConvAttrs/);
  }, 120_000);
});
