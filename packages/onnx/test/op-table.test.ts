import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMS, EXPORTERS } from '../src/export-ops.js';
import { opTableMarkdown } from '../src/index.js';

describe('the README op table', () => {
  it('documents every exporter and is up to date (npm run op-table -w @nn/onnx)', () => {
    expect(Object.keys(EXPORT_FORMS).sort()).toEqual(Object.keys(EXPORTERS).sort());
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('<!-- op-table:start -->') + '<!-- op-table:start -->'.length, readme.indexOf('<!-- op-table:end -->')).trim();
    expect(table).toBe(opTableMarkdown());
  });
});
