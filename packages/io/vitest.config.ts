import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/io',
    include: ['test/**/*.test.ts'],
  },
});
