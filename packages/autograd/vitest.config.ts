import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/autograd',
    include: ['test/**/*.test.ts'],
  },
});
