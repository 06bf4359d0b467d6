import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database; running files one at a time keeps PGlite's CPU use predictable on 2 cores.
    fileParallelism: false,
  },
});
