import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/layers-recurrent',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
