import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/linalg',
    include: ['test/**/*.test.ts'],
  },
});
