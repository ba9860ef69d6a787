import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/example-browser-wasm',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
