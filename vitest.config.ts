import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships both index.mjs ("module") and index.js ("main"). Node (and so graphql-yoga)
    // loads index.js; vite would pick index.mjs for our sources, and two copies of graphql
    // reject each other's schemas. Resolve it the way Node does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // 20 s: generous for a loaded 2-core CI machine. No test asserts timing: tests wait on events,
    // counts and states, and fake the timers they are about (test/suite-rules.test.ts holds the
    // suite to it); load and latency checks run with the bench (`npm run bench:check`).
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
