import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatTable, type Row } from '../../bench/lib/report.ts';
import { REPO_ROOT } from '../support/gateway.ts';
import { markedBlock, markerNames, readDoc } from '../support/markdown.ts';

/** docs/cli.md and docs/performance.md describe what the code really offers and prints. */
const CLI_DOC = readDoc('docs/cli.md');
const PERFORMANCE_DOC = readDoc('docs/performance.md');

describe('docs/cli.md', () => {
  const help = spawnSync(process.execPath, [path.join(REPO_ROOT, 'src/cli/main.ts'), '--help'], { encoding: 'utf8' }).stderr;
  const commands = [...help.slice(help.indexOf('Commands:'), help.indexOf('Environment:')).matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!);
  const variables = [...help.slice(help.indexOf('Environment:')).matchAll(/\b([A-Z][A-Z_]+)(?= \(|=)/g)].map((m) => m[1]!);

  test('--help lists the seven commands and four variables', () => {
    expect(commands).toEqual(['demo', 'serve', 'validate', 'explain', 'bench', 'scaffold', 'hash-key', 'usage']);
    expect(variables).toEqual(['PORT', 'HOST', 'LOG_LEVEL', 'TESSERA_DEV']);
  });

  test.for(['demo', 'serve', 'validate', 'explain', 'bench', 'scaffold', 'hash-key', 'usage'])('has a section on %s', (command) => {
    expect(CLI_DOC).toContain(`\n## ${command}\n`);
    expect(CLI_DOC).toContain(`npx tessera ${command}`);
  });

  test('its validate example prints what the doc shows, and exits 1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-validate-doc-'));
    try {
      const files = markerNames(CLI_DOC, 'validate ').map((name) => name.slice('validate '.length)).filter((name) => name !== 'output');
      expect(files).toEqual(['connectors/crm.yaml', 'connectors/orders.yaml', 'schemas/api.graphql']);
      for (const file of files) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), markedBlock(CLI_DOC, `validate ${file}`));
      }
      const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'src/cli/main.ts'), 'validate', '--config-dir', '.'], { cwd: dir, encoding: 'utf8' });
      expect(run.stdout).toBe(markedBlock(CLI_DOC, 'validate output'));
      expect(run.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.for(['PORT', 'HOST', 'LOG_LEVEL', 'TESSERA_DEV'])('its environment table has %s', (variable) => {
    expect(CLI_DOC).toContain(`\n| \`${variable}\` |`);
  });
});

describe('docs/performance.md', () => {
  test('its latest table has the columns the runner prints', () => {
    const row: Row = { scenario: 'panel', target: 'baseline', delayMs: 0, rps: 1, p50: 1, p90: 1, p99: 1, errors: 0, non2xx: 0, callsPerRequest: 1, peakRssMb: 1, cpuUsPerRequest: 1 };
    const printedHeader = formatTable([row]).split('\n')[0]!;
    const documentedHeader = PERFORMANCE_DOC.split('\n').find((line) => line.startsWith('| scenario '));
    const cells = (line: string | undefined) => line?.split('|').map((cell) => cell.trim());
    expect(cells(documentedHeader)).toEqual(cells(printedHeader));
  });

  test('says how to reproduce it, with scripts that exist', () => {
    const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(PERFORMANCE_DOC).toContain('\n## Reproduce\n');
    for (const script of ['bench', 'bench:micro', 'bench:soak', 'bench:check']) {
      expect(PERFORMANCE_DOC).toContain(`npm run ${script}`);
      expect(scripts[script], `package.json has the ${script} script`).toBeDefined();
    }
  });
});
