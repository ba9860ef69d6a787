import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'examples/plugin-squareplus',
      'examples/browser-wasm',
      'examples/browser-webgpu',
      // The wasm backend's own tests again, with the relaxed-SIMD kernels
      // (fused multiply-add) that Node 20 only enables behind a flag.
      {
        test: {
          name: '@nn/backend-wasm (relaxed SIMD)',
          root: 'packages/backend-wasm',
          include: ['test/**/*.test.ts'],
          execArgv: ['--experimental-wasm-relaxed-simd'],
          testTimeout: 60_000,
        },
      },
      // The op suites again, with the wasm backend active. Every @nn package
      // resolves to its source so that tests and backend share one core.
      {
        resolve: {
          // Exact matches: '@nn/tensor/kernel' is a subpath with a source file of its own.
          alias: [
            { find: /^@nn\/tensor\/kernel$/, replacement: fileURLToPath(new URL('./packages/tensor/src/kernel.ts', import.meta.url)) },
            ...['tensor', 'autograd', 'activations', 'layers-core', 'layers-conv', 'layers-recurrent', 'testing'].map((p) => ({ find: new RegExp(`^@nn/${p}$`), replacement: src(p) })),
          ],
        },
        test: {
          name: 'suites on wasm',
          include: [
            'packages/tensor/test/**/*.test.ts',
            'packages/autograd/test/**/*.test.ts',
            'packages/activations/test/**/*.test.ts',
            'packages/layers-core/test/**/*.test.ts',
            'packages/layers-conv/test/**/*.test.ts',
            'packages/layers-recurrent/test/recurrent.test.ts',
            'packages/layers-recurrent/test/fused.test.ts',
            'packages/testing/test/**/*.test.ts',
          ],
          setupFiles: ['packages/backend-wasm/test/setup-wasm.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
