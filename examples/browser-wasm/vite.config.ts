import { defineConfig } from 'vite';

// SharedArrayBuffer (and so wasm threads) needs a cross-origin isolated page:
// the dev and preview servers send the two headers that make it one.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
});
