#!/usr/bin/env node
/**
 * The `nn` command.
 * @module
 */
import { run } from './index.js';

process.exitCode = await run(process.argv.slice(2));
