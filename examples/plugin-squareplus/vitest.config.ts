import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'nn-plugin-squareplus',
    include: ['test/**/*.test.ts'],
  },
});
