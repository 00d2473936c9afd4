import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/gateway.ts';

/**
 * npm makes every `bin` of the project executable on install (and `npx tessera` links it), so a
 * bin committed without its run bit shows up as a mode change in `git status` after `npm ci`.
 * Each bin is committed as 100755 and starts with a shebang, so `npx tessera` runs it directly.
 */
const bins = Object.entries((JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin);
// main.ts was the bin before the launcher: links npx made then still point at it, and it can be run directly.
bins.push(['tessera (before the launcher)', './src/cli/main.ts']);

function gitMode(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['ls-files', '--stage', '--', file], { cwd: REPO_ROOT }, (error, stdout) => (error ? reject(error) : resolve(stdout.split(' ', 1)[0]!)));
  });
}

describe.for(bins)('the %s bin (%s)', ([, file]) => {
  test('is committed executable (mode 100755)', async () => {
    expect(await gitMode(path.normalize(file))).toBe('100755');
  });

  test('starts with a node shebang', () => {
    expect(readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n', 1)[0]).toMatch(/^#!\/usr\/bin\/env -S node /);
  });
});
