import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/activations',
    include: ['test/**/*.test.ts'],
  },
});
