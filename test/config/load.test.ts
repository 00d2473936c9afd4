import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkConfigSources, loadConfig } from '../../src/config/index.ts';
import type { ConfigError } from '../../src/errors/gateway-error.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/config');
const dirsOf = (name: string) => ({ connectorsDir: path.join(FIXTURES, name, 'connectors'), schemasDir: path.join(FIXTURES, name, 'schemas') });
/** How the formatter will show a path: relative to the working directory. */
const shown = (file: string) => path.relative(process.cwd(), file);
const summarise = (errors: readonly ConfigError[]) =>
  errors.map((e) => ({ code: e.code, file: e.source?.file, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message }));

describe('loadConfig', () => {
  test('reads *.yaml, *.yml and *.graphql only, sorted by file name, with env applied', async () => {
    const dirs = dirsOf('basic');
    const { config, errors } = await loadConfig({ ...dirs, env: { CRM_URL: 'http://crm.internal:8080' } });
    expect(errors).toEqual([]);
    expect(config.connectors.map((c) => [c.name, c.baseUrl, c.sourceMap.file])).toEqual([
      ['crm', 'http://crm.internal:8080', path.join(dirs.connectorsDir, 'crm.yaml')],
      ['orderbook', 'http://127.0.0.1:4102', path.join(dirs.connectorsDir, 'orders.yml')],
    ]);
    expect(config.schemaFiles.map((f) => [f.file, f.text.split('\n')[0]])).toEqual([
      [path.join(dirs.schemasDir, 'a-query.graphql'), 'type Query {'],
      [path.join(dirs.schemasDir, 'b-customer.graphql'), 'type Customer {'],
    ]);
  });

  test('the same connector name in two files is an error at the second', async () => {
    const dirs = dirsOf('duplicate');
    const { config, errors } = await loadConfig({ ...dirs, env: {} });
    const first = path.join(dirs.connectorsDir, 'crm.yaml');
    expect(summarise(errors)).toEqual([
      {
        code: 'CONFIG_DUPLICATE_NAME',
        file: path.join(dirs.connectorsDir, 'customers.yaml'),
        line: 1,
        column: 7,
        path: 'connectors.crm',
        message: `expected each connector name once; "crm" is already the name of ${shown(first)}`,
      },
    ]);
    expect(config.connectors.map((c) => c.sourceMap.file)).toEqual([first]);
  });

  test('missing folders are reported, one error each', async () => {
    const missing = path.join(FIXTURES, 'does-not-exist');
    const { config, errors } = await loadConfig({ connectorsDir: path.join(missing, 'connectors'), schemasDir: path.join(missing, 'schemas'), env: {} });
    expect(summarise(errors)).toEqual([
      {
        code: 'CONFIG_FILE_UNREADABLE',
        file: undefined,
        line: undefined,
        column: undefined,
        path: 'connectors',
        message: `expected a readable folder "${shown(path.join(missing, 'connectors'))}" of *.yaml or *.yml files; got ENOENT: no such file or directory`,
      },
      {
        code: 'CONFIG_FILE_UNREADABLE',
        file: undefined,
        line: undefined,
        column: undefined,
        path: 'schemas',
        message: `expected a readable folder "${shown(path.join(missing, 'schemas'))}" of *.graphql files; got ENOENT: no such file or directory`,
      },
    ]);
    expect(config).toEqual({ connectors: [], schemaFiles: [], gateway: { server: {}, rateLimits: { default: undefined, callers: {} }, batching: {} } });
  });

  describe('an unreadable file', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'tessera-load-'));
      await writeFile(path.join(dir, 'ok.graphql'), 'type Query { a: Int }');
      // A dangling symlink: listed by readdir, but reading it fails.
      await symlink(path.join(dir, 'nowhere.graphql'), path.join(dir, 'broken.graphql'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    test('is an error at that file; the others are still read', async () => {
      const { config, errors } = await loadConfig({ connectorsDir: dir, schemasDir: dir, env: {} });
      expect(summarise(errors)).toEqual([
        { code: 'CONFIG_FILE_UNREADABLE', file: path.join(dir, 'broken.graphql'), line: 1, column: 1, path: 'schemas', message: 'expected a readable file; got ENOENT: no such file or directory' },
      ]);
      expect(config.schemaFiles.map((f) => path.basename(f.file))).toEqual(['ok.graphql']);
    });
  });
});

describe('checkConfigSources', () => {
  test('duplicate names: file name against name key, reported at the later file', () => {
    const { config, errors } = checkConfigSources({
      connectorFiles: [
        { file: 'connectors/crm.yaml', text: 'baseUrl: http://a\noperations: {}\n' },
        { file: 'connectors/legacy.yaml', text: '# old CRM\nbaseUrl: http://b\nname: crm\noperations: {}\n' },
        { file: 'connectors/orders.yaml', text: 'baseUrl: http://c\noperations: {}\n' },
      ],
      schemaFiles: [],
    });
    expect(summarise(errors)).toEqual([
      {
        code: 'CONFIG_DUPLICATE_NAME',
        file: 'connectors/legacy.yaml',
        line: 3,
        column: 7,
        path: 'connectors.crm',
        message: 'expected each connector name once; "crm" is already the name of connectors/crm.yaml',
      },
    ]);
    expect(config.connectors.map((c) => c.name)).toEqual(['crm', 'orders']);
  });

  test('errors come file by file, sorted by position within each file', () => {
    const { errors } = checkConfigSources({
      connectorFiles: [
        { file: 'connectors/a.yaml', text: 'operations:\n  x: { path: /x, methdo: GET }\nbaseUrl: nope\n' },
        { file: 'connectors/b.yaml', text: 'baseUrl: [\n' },
      ],
      schemaFiles: [],
    });
    expect(errors.map((e) => `${e.source?.file}:${e.source?.line}:${e.source?.column} ${e.code}`)).toEqual([
      'connectors/a.yaml:2:18 CONFIG_UNKNOWN_KEY',
      'connectors/a.yaml:3:10 CONFIG_INVALID_VALUE',
      'connectors/b.yaml:2:1 CONFIG_YAML_SYNTAX',
    ]);
  });
});
