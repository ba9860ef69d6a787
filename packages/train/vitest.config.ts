import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/train',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
  },
});
