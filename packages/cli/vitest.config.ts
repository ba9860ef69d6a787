import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@nn/cli',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // For --backend webgpu: Dawn finds SwiftShader's Vulkan driver (from Debian's chromium) when no other is named.
    env: { VK_DRIVER_FILES: process.env.VK_DRIVER_FILES ?? '/usr/lib/chromium/vk_swiftshader_icd.json' },
  },
});
