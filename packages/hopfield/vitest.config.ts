import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/hopfield',
    include: ['test/**/*.test.ts'],
  },
});
