import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { gatewayNodeFlags, nodeFlagsOf } from '../../bench/lib/gateway-node-flags.ts';
import { REPO_ROOT } from '../support/gateway.ts';

/**
 * The gateway's V8 flags (a capped young generation, no allocation-site pretenuring) are part of
 * how it is run: `npm start`, `npm run tessera`, the `tessera` bin and the Docker image must all
 * carry the same ones, and the bench measures the gateway with exactly those.
 */
const read = (file: string): string => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; bin: Record<string, string> };
const scripts = pkg.scripts;

describe('the gateway launch flags', () => {
  const shipped = gatewayNodeFlags();

  test('npm start carries the memory flags', () => {
    expect(shipped).toEqual(['--max-semi-space-size=16', '--no-allocation-site-pretenuring']);
  });

  test.each([
    ['npm run tessera', () => nodeFlagsOf(scripts.tessera!)],
    ['the tessera bin (shebang)', () => nodeFlagsOf(read(pkg.bin.tessera!).split('\n')[0]!.replace(/^#!\/usr\/bin\/env -S /, ''))],
    ['src/cli/main.ts run directly (shebang)', () => nodeFlagsOf(read('src/cli/main.ts').split('\n')[0]!.replace(/^#!\/usr\/bin\/env -S /, ''))],
    [
      'the Docker image (ENTRYPOINT)',
      () => {
        const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
        return nodeFlagsOf((JSON.parse(entrypoint ?? '[]') as string[]).join(' '));
      },
    ],
  ])('%s carries the same flags as npm start', (_where, flagsOf) => {
    expect(flagsOf()).toEqual(shipped);
  });

  test.each([
    ['node --a --b=1 src/x.ts demo', ['--a', '--b=1']],
    ['node src/x.ts --not-a-node-flag', []],
  ])('nodeFlagsOf(%j) reads only the flags before the script', (command, flags) => {
    expect(nodeFlagsOf(command)).toEqual(flags);
  });

  test('a command that does not start with node is refused', () => {
    expect(() => nodeFlagsOf('tsx src/x.ts')).toThrow(/starting with "node"/);
  });
});
