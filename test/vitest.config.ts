import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['fake-x/**/*.test.ts', 'fake-claude/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // e2e suites start servers and browsers; running files one at a time keeps ports and CPU calm.
    fileParallelism: false,
  },
});
