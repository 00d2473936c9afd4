import { describe, expect, test } from 'vitest';
import { parseYamlWithPositions } from '../../src/config/yaml-with-positions.ts';

const FILE = 'connectors/crm.yaml';
const TEXT = [
  'baseUrl: http://127.0.0.1:4101', // 1
  'operations:', // 2
  '  getCustomer:', // 3
  '    method: GET', // 4
  '    path: "/customers/{id}"', // 5
  '    query:', // 6
  '    body:', // 7
  '      - first', // 8
  '      - { text: hi }', // 9
].join('\r\n');

describe('parseYamlWithPositions', () => {
  const { value, sourceMap, errors } = parseYamlWithPositions(FILE, TEXT);

  test('returns the plain value and no errors', () => {
    expect(errors).toEqual([]);
    expect(value).toEqual({
      baseUrl: 'http://127.0.0.1:4101',
      operations: { getCustomer: { method: 'GET', path: '/customers/{id}', query: null, body: ['first', { text: 'hi' }] } },
    });
  });

  test.for([
    { path: ['baseUrl'], part: 'value', line: 1, column: 10 },
    { path: ['operations', 'getCustomer', 'method'], part: 'key', line: 4, column: 5 },
    { path: ['operations', 'getCustomer', 'method'], part: 'value', line: 4, column: 13 },
    // A quoted scalar starts at its quote; blueprint/ adds one to reach the content.
    { path: ['operations', 'getCustomer', 'path'], part: 'value', line: 5, column: 11 },
    // An empty value has nowhere to point but its key.
    { path: ['operations', 'getCustomer', 'query'], part: 'value', line: 6, column: 5 },
    { path: ['operations', 'getCustomer', 'body', 1, 'text'], part: 'value', line: 9, column: 17 },
    { path: ['operations', 'getCustomer', 'body', 0], part: 'key', line: 8, column: 9 },
    // Missing steps fall back to the nearest existing ancestor's key.
    { path: ['operations', 'getCustomer', 'batch', 'maxSize'], part: 'value', line: 3, column: 3 },
    { path: ['operations', 'getCustomer', 'body', 7], part: 'value', line: 7, column: 5 },
    { path: ['timeoutMs'], part: 'key', line: 1, column: 1 },
    { path: [], part: 'value', line: 1, column: 1 },
  ] as const)('locate($path, $part) → $line:$column', ({ path, part, line, column }) => {
    expect(sourceMap.locate(path, part)).toEqual({ file: FILE, line, column });
  });

  test('lineText returns one source line without its line ending, or "" past the end', () => {
    expect(sourceMap.file).toBe(FILE);
    expect(sourceMap.lineText(4)).toBe('    method: GET');
    expect(sourceMap.lineText(99)).toBe('');
  });
});

describe('YAML syntax errors carry the exact position', () => {
  test.for([
    { name: 'unclosed flow sequence', text: 'a: [1, 2\nb: 3\n', line: 2, column: 1, message: 'expected valid YAML; flow sequence in block collection must be sufficiently indented and end with a ]' },
    { name: 'tab indentation', text: 'a:\n\tb: 1\n', line: 2, column: 1, message: 'expected valid YAML; tabs are not allowed as indentation' },
    { name: 'nested compact mapping', text: 'a: b: c\n', line: 1, column: 4, message: 'expected valid YAML; nested mappings are not allowed in compact mappings' },
    { name: 'alias to an unknown anchor', text: 'a: 1\nb: *nope\n', line: 2, column: 4, message: 'expected valid YAML; expected the anchor "&nope" to be defined before this alias; it is not' },
  ])('$name', ({ text, line, column, message }) => {
    const parsed = parseYamlWithPositions(FILE, text, 'connectors.crm');
    expect(parsed.value).toBeUndefined();
    expect(parsed.errors.map((e) => ({ code: e.code, ...e.source, path: e.configPath, message: e.message }))).toEqual([
      { code: 'CONFIG_YAML_SYNTAX', file: FILE, line, column, path: 'connectors.crm', message },
    ]);
  });
});
