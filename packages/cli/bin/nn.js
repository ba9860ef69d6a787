#!/usr/bin/env node
// The `nn` command. This shim is committed (dist/ is built after `npm ci`,
// and npm links a workspace bin only if its target exists at install time).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('nn: @nn/cli is not built yet; run `npm run build` in the repository first');
  process.exit(1);
}
await import(main.href);
