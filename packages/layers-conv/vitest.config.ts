import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/layers-conv',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
