import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/gateway.ts';

/**
 * `npm start`, `npm run tessera` and the `tessera` bin go through src/cli/tessera.js, which checks
 * the Node version before any TypeScript is loaded. The old Node is faked by a preload that
 * redefines process.versions.node before the launcher runs: no Node 20 needs to be installed, and
 * the launcher has no test-only switch.
 */
const LAUNCHER = path.join(REPO_ROOT, 'src/cli/tessera.js');
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; bin: Record<string, string>; scripts: Record<string, string> };

function launch(fakeVersion: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const preload = `data:text/javascript,Object.defineProperty(process.versions, 'node', { value: '${fakeVersion}' })`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', preload, LAUNCHER, ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const tooOld = (found: string): string =>
  `tessera: Node.js ${found} is too old; Tessera needs Node.js 22.18 or newer (package.json engines: ^22.18.0 || >=23.6.0). ` +
  'Install Node.js 24 LTS from nodejs.org or with a version manager (e.g. nvm install 24), then run the command again.\n';

describe('the Node version check of the tessera launcher', () => {
  test.for(['20.11.1', '18.19.0', '22.17.1', '23.5.0'])('Node %s gets one line naming found and needed versions, exit 1, no stack', async (version) => {
    expect(await launch(version, ['validate'])).toEqual({ code: 1, stdout: '', stderr: tooOld(version) });
  });

  test.for(['22.18.0', '23.6.0', '24.0.0', '25.1.0'])('Node %s runs the CLI', async (version) => {
    const result = await launch(version, ['validate']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^OK: \d+ connectors, \d+ operations\.\n$/);
  });

  test('the range the launcher checks is the engines range of package.json', () => {
    expect(pkg.engines.node).toBe('^22.18.0 || >=23.6.0');
    expect(readFileSync(LAUNCHER, 'utf8')).toContain(`const NEEDED = '${pkg.engines.node}';`);
  });

  test.each([
    ['npm start', () => pkg.scripts.start!],
    ['npm run tessera', () => pkg.scripts.tessera!],
    ['the tessera bin', () => pkg.bin.tessera!],
  ])('%s goes through the launcher', (_where, command) => {
    expect(command()).toMatch(/(^|\s|\.\/)src\/cli\/tessera\.js(\s|$)/);
  });
});
