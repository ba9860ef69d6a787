import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/optim',
    include: ['test/**/*.test.ts'],
  },
});
