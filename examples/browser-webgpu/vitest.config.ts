import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/example-browser-webgpu',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
  },
});
