import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The bench's own checks (`npm run bench:check`): they drive autocannon against a loopback server
// and assert on latencies, so they depend on the machine's speed and stay out of `npm test`.
export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['bench/checks/**/*.check.ts'],
    testTimeout: 30_000, // 30 s: each check runs autocannon for under a second, on a loaded machine
    pool: 'forks',
  },
});
