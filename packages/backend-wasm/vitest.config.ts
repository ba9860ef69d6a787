import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/backend-wasm',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
