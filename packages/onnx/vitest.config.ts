import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/onnx',
    include: ['test/**/*.test.ts'],
  },
});
