import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/data',
    include: ['test/**/*.test.ts'],
  },
});
