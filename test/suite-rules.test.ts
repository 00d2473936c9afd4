import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from './support/gateway.ts';

/**
 * The suite's own rules (vitest.config.ts): no test asserts timing, none sleeps to wait for
 * something, none is skipped, and `npm test` never drives a load generator (timing belongs to
 * `npm run bench` and its self-checks, `npm run bench:check`). Each rule is a pattern no file
 * under test/ may contain; the file that breaks one is named with the line.
 */
const TEST_DIR = path.join(REPO_ROOT, 'test');
const RULES = [
  { rule: 'no elapsed wall-clock time (assert counts, states or events instead)', pattern: /\b(performance|Date)\.now\(\)\s*-/ },
  { rule: 'no sleep() as a sync point (wait for an event, a count or a state)', pattern: /\bsleep\(|setTimeout as sleep/ },
  { rule: 'no skipped or focused tests', pattern: /\b(test|it|describe)\.(skip|only|todo)\b/ },
  { rule: 'no load generator in npm test', pattern: /from '(autocannon|[./]*bench\/lib\/load\.ts)'/ },
];

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sourcesUnder(full);
    return entry.name.endsWith('.ts') && full !== import.meta.filename ? [full] : [];
  });
}

test.for(RULES)('$rule', ({ pattern }) => {
  const offences = sourcesUnder(TEST_DIR).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${path.relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
  );
  expect(offences).toEqual([]);
});
