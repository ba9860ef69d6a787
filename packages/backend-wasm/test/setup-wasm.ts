// Runs a test file with the wasm backend active (every @nn package resolves to its source, so one core is shared).
import { setBackend, use } from '@nn/tensor';
import { wasmPlugin } from '../src/index.js';

use(wasmPlugin);
await setBackend('wasm');
