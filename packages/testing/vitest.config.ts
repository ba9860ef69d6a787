import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/testing',
    include: ['test/**/*.test.ts'],
  },
});
