import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/layers-core',
    include: ['test/**/*.test.ts'],
  },
});
