import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/tensor',
    include: ['test/**/*.test.ts'],
  },
});
