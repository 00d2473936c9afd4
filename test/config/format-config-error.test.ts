import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors/gateway-error.ts';
import { ErrorCodes } from '../../src/errors/codes.ts';
import { displayPath, formatConfigError, formatConfigErrors, type LineText } from '../../src/errors/format-config-error.ts';

const CRM = [
  'baseUrl: http://127.0.0.1:4101',
  'timeoutMs: ten',
  'operations:',
  '  listCustomers:',
  '    path: /customers',
  '  ping:',
  '    path: /ping',
  '  health:',
  '    path: /health',
  '  status:',
  '    path: /status',
  '  version:',
  '    path: /version',
  '  getCustomer:',
  '    method: GTE',
  '    path: /customers/{id}',
].join('\n');

/** Reads lines from in-memory files, as `fileLineReader` does from disk. */
const linesOf = (files: Record<string, string>): LineText => (file, line) => files[file]?.split('\n')[line - 1];

describe('formatConfigError', () => {
  test('prints position, code, config path, message, the line before, the line, and a caret under the column', () => {
    // The file is given absolute, as loadConfig passes it; it prints relative to the working directory.
    const file = path.join(process.cwd(), 'connectors', 'crm.yaml');
    const { errors } = checkConfigSources({ connectorFiles: [{ file, text: CRM }], schemaFiles: [] });
    const lineText = linesOf({ [file]: CRM });
    expect(errors.map((e) => formatConfigError(e, lineText))).toEqual([
      [
        'connectors/crm.yaml:2:12  CONFIG_INVALID_VALUE  at connectors.crm.timeoutMs',
        '  expected a positive integer; got "ten"',
        '    1 | baseUrl: http://127.0.0.1:4101',
        '  > 2 | timeoutMs: ten',
        '      |            ^',
      ].join('\n'),
      [
        'connectors/crm.yaml:15:13  CONFIG_INVALID_VALUE  at connectors.crm.operations.getCustomer.method',
        '  expected one of GET, POST, PUT, PATCH, DELETE; got "GTE". Did you mean "GET"?',
        '    14 |   getCustomer:',
        '  > 15 |     method: GTE',
        '       |             ^',
      ].join('\n'),
    ]);
  });

  test.for([
    {
      name: 'a warning, first line of a file, tab before the column',
      error: new ConfigError(ErrorCodes.CONFIG_N_PLUS_ONE, 'expected a batched operation under a list\none call per item', {
        source: { file: 'schemas/a.graphql', line: 1, column: 3 },
        configPath: 'Customer.orders',
        severity: 'warning',
      }),
      expected: [
        'schemas/a.graphql:1:3  warning CONFIG_N_PLUS_ONE  at Customer.orders',
        '  expected a batched operation under a list',
        '  one call per item',
        '  > 1 | \torders: [Order]',
        '      | \t ^',
      ],
    },
    {
      name: 'no source position and no config path',
      error: new ConfigError(ErrorCodes.CONFIG_FILE_UNREADABLE, 'expected at least one schemas/*.graphql file; found none'),
      expected: ['CONFIG_FILE_UNREADABLE', '  expected at least one schemas/*.graphql file; found none'],
    },
    {
      name: 'a file whose line cannot be read, outside the working directory',
      error: new ConfigError(ErrorCodes.CONFIG_YAML_SYNTAX, 'expected valid YAML; map keys must be unique', {
        source: { file: '/elsewhere/x.yaml', line: 4, column: 1 },
        configPath: 'connectors.x',
      }),
      expected: ['/elsewhere/x.yaml:4:1  CONFIG_YAML_SYNTAX  at connectors.x', '  expected valid YAML; map keys must be unique'],
    },
  ])('$name', ({ error, expected }) => {
    expect(formatConfigError(error, linesOf({ 'schemas/a.graphql': '\torders: [Order]\n' })).split('\n')).toEqual(expected);
  });
});

describe('formatConfigErrors', () => {
  const error = new ConfigError(ErrorCodes.CONFIG_MISSING_KEY, 'expected key "path"; it is missing', { configPath: 'connectors.a.operations.x.path' });
  const warning = new ConfigError(ErrorCodes.CONFIG_N_PLUS_ONE, 'one call per item', { severity: 'warning' });

  test.for([
    { name: 'nothing to report', errors: [], expected: '' },
    { name: 'one error', errors: [error], expected: 'CONFIG_MISSING_KEY  at connectors.a.operations.x.path\n  expected key "path"; it is missing\n\n1 error' },
    { name: 'only warnings', errors: [warning, warning], expected: 'warning CONFIG_N_PLUS_ONE\n  one call per item\n\nwarning CONFIG_N_PLUS_ONE\n  one call per item\n\n2 warnings' },
  ])('$name', ({ errors, expected }) => {
    expect(formatConfigErrors(errors)).toBe(expected);
  });

  test('ends with a count of errors and warnings', () => {
    expect(formatConfigErrors([error, warning, error]).split('\n').at(-1)).toBe('2 errors, 1 warning');
  });
});

describe('displayPath', () => {
  test.for([
    { file: '/srv/app/connectors/crm.yaml', cwd: '/srv/app', expected: 'connectors/crm.yaml' },
    { file: './connectors/crm.yaml', cwd: '/srv/app', expected: 'connectors/crm.yaml' },
    { file: '/etc/tessera/crm.yaml', cwd: '/srv/app', expected: '/etc/tessera/crm.yaml' },
    { file: '../shared/crm.yaml', cwd: '/srv/app', expected: '../shared/crm.yaml' },
  ])('$file from $cwd → $expected', ({ file, cwd, expected }) => {
    expect(displayPath(file, cwd)).toBe(expected);
  });
});
