import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/models',
    include: ['test/**/*.test.ts'],
  },
});
