// Rewrites the op table of README.md from the exporters and importers themselves.
import { readFileSync, writeFileSync } from 'node:fs';
import { opTableMarkdown } from '../dist/index.js';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const [start, end] = ['<!-- op-table:start -->', '<!-- op-table:end -->'];
const next = readme.slice(0, readme.indexOf(start) + start.length) + '\n' + opTableMarkdown() + '\n' + readme.slice(readme.indexOf(end));
writeFileSync(file, next);
