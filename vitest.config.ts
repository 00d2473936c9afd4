import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000, // 20 s: generous for a loaded 2-core CI machine; no test asserts timing
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
