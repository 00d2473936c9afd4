import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import type { ConnectorConfig } from '../../src/config/index.ts';

const FILE = 'connectors/crm.yaml';
const METHODS = 'expected one of GET, POST, PUT, PATCH, DELETE';
const OP_KEYS = 'expected one of the keys method, path, query, headers, body, params, batch, result, timeoutMs, connectTimeoutMs, idempotent, retry, cache, coalesce, envelope, pagination, mutates';
const TYPE = 'expected a GraphQL input type such as ID!, Int, [ID!] or [String!]!';

/** The harness (graphql-js style): a YAML string in, the exact list of errors out. */
function errorsOf(yaml: string, env: Record<string, string> = {}) {
  const { errors } = checkConfigSources({ connectorFiles: [{ file: FILE, text: yaml }], schemaFiles: [] }, env);
  return errors.map((e) => ({ code: e.code, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message }));
}

/** Lines joined with \n, so line numbers in the expectations can be read off the array. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('connector shape errors: every error, with its exact position and message', () => {
  test.for([
    {
      name: 'YAML syntax error',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  get: { path: /x', '  other: 1'),
      errors: [{ code: 'CONFIG_YAML_SYNTAX', line: 4, column: 3, path: 'connectors.crm', message: 'expected valid YAML; flow map in block collection must be sufficiently indented and end with a }' }],
    },
    {
      name: 'duplicate key in YAML',
      text: yaml('baseUrl: http://a', 'baseUrl: http://b', 'operations: {}'),
      errors: [{ code: 'CONFIG_YAML_SYNTAX', line: 2, column: 1, path: 'connectors.crm', message: 'expected valid YAML; map keys must be unique' }],
    },
    {
      name: 'unknown key with a suggestion (methdo → method)',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  getCustomer:', '    methdo: GET', '    path: /customers'),
      errors: [{ code: 'CONFIG_UNKNOWN_KEY', line: 4, column: 5, path: 'connectors.crm.operations.getCustomer.methdo', message: `${OP_KEYS}; got "methdo". Did you mean "method"?` }],
    },
    {
      name: 'unknown top-level key',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations: {}', 'retries: 3'),
      errors: [{ code: 'CONFIG_UNKNOWN_KEY', line: 3, column: 1, path: 'connectors.crm.retries', message: 'expected one of the keys name, transport, baseUrl, timeoutMs, headers, forwardHeaders, operations, connectTimeoutMs, retry, circuitBreaker, concurrency, cache, envelope, readinessCheck, isolation, shadow; got "retries". Did you mean "retry"?' }],
    },
    {
      name: 'bad method GTE',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  getCustomer:', '    method: GTE', '    path: /customers'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 4, column: 13, path: 'connectors.crm.operations.getCustomer.method', message: `${METHODS}; got "GTE". Did you mean "GET"?` }],
    },
    {
      name: 'lower-case method',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  search: { method: post, path: /s }'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 3, column: 21, path: 'connectors.crm.operations.search.method', message: `${METHODS}; got "post". Did you mean "POST"?` }],
    },
    {
      name: 'missing baseUrl',
      text: yaml('# the CRM', 'timeoutMs: 2000', 'operations:', '  getCustomer:', '    path: /customers'),
      errors: [{ code: 'CONFIG_MISSING_KEY', line: 2, column: 1, path: 'connectors.crm.baseUrl', message: 'expected key "baseUrl" (the upstream\'s absolute http(s) URL, e.g. "http://127.0.0.1:4101"); it is missing' }],
    },
    {
      name: 'baseUrl not absolute',
      text: yaml('baseUrl: localhost:4101', 'operations: {}'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 1, column: 10, path: 'connectors.crm.baseUrl', message: 'expected an absolute http(s) URL, e.g. "http://127.0.0.1:4101"; got "localhost:4101"' }],
    },
    {
      name: 'non-integer maxSize',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  getCustomers:', '    path: /customers', '    batch:', '      maxSize: ten', '      keyField: id'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 6, column: 16, path: 'connectors.crm.operations.getCustomers.batch.maxSize', message: 'expected a positive integer; got "ten"' }],
    },
    {
      name: 'batch without its required keys, and a bad keyStyle',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  getCustomers:', '    path: /customers', '    batch:', '      keyStyle: comas'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', line: 5, column: 5, path: 'connectors.crm.operations.getCustomers.batch.maxSize', message: 'expected key "maxSize" (the most keys per upstream call, a positive integer); it is missing' },
        { code: 'CONFIG_MISSING_KEY', line: 5, column: 5, path: 'connectors.crm.operations.getCustomers.batch.keyField', message: 'expected key "keyField" (the dot path in each returned item that equals its key); it is missing' },
        { code: 'CONFIG_INVALID_VALUE', line: 6, column: 17, path: 'connectors.crm.operations.getCustomers.batch.keyStyle', message: 'expected one of comma, repeat; got "comas". Did you mean "comma"?' },
      ],
    },
    {
      name: 'bad param type and param name',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  getCustomer:', '    path: /customers/{id}', '    params:', '      id: ID!!', '      user-id: "[ID!]!"'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', line: 6, column: 11, path: 'connectors.crm.operations.getCustomer.params.id', message: `${TYPE}; got "ID!!"` },
        { code: 'CONFIG_INVALID_VALUE', line: 7, column: 7, path: 'connectors.crm.operations.getCustomer.params.user-id', message: 'expected a param name (a letter or _, then letters, digits or _); got "user-id"' },
      ],
    },
    {
      name: 'wrong types: transport, timeoutMs, many, header value, operations entry',
      text: yaml(
        'transport: soap',
        'baseUrl: http://127.0.0.1:4101',
        'timeoutMs: 9999999999',
        'headers:',
        '  x-client: { a: 1 }',
        'operations:',
        '  broken: /just/a/string',
        '  list:',
        '    path: /items',
        '    timeoutMs: 2.5',
        '    batch: { maxSize: 10, keyField: id, many: "yes" }',
        '  shared:',
        '    path: /shared',
        '    batch: { maxSize: 10, keyField: id, acrossRequests: 1 }',
      ),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', line: 1, column: 12, path: 'connectors.crm.transport', message: 'expected one of http, grpc, thrift; got "soap"' },
        { code: 'CONFIG_INVALID_VALUE', line: 3, column: 12, path: 'connectors.crm.timeoutMs', message: 'expected a positive integer of at most 2147483647; got 9999999999' },
        { code: 'CONFIG_INVALID_VALUE', line: 5, column: 13, path: 'connectors.crm.headers.x-client', message: 'expected a string; got a mapping' },
        { code: 'CONFIG_INVALID_VALUE', line: 7, column: 11, path: 'connectors.crm.operations.broken', message: 'expected an operation: a mapping with at least a "path" key; got "/just/a/string"' },
        { code: 'CONFIG_INVALID_VALUE', line: 10, column: 16, path: 'connectors.crm.operations.list.timeoutMs', message: 'expected a positive integer; got 2.5' },
        { code: 'CONFIG_INVALID_VALUE', line: 11, column: 47, path: 'connectors.crm.operations.list.batch.many', message: 'expected true or false; got "yes"' },
        { code: 'CONFIG_INVALID_VALUE', line: 14, column: 57, path: 'connectors.crm.operations.shared.batch.acrossRequests', message: 'expected true or false; got 1' },
      ],
    },
    {
      name: 'bad connector and operation names',
      text: yaml('name: my crm', 'baseUrl: http://127.0.0.1:4101', 'operations:', '  "get customer":', '    path: /c'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', line: 1, column: 7, path: 'connectors.my crm.name', message: 'expected a connector name (a letter or _, then letters, digits, _ or -); got "my crm"' },
        { code: 'CONFIG_INVALID_VALUE', line: 4, column: 3, path: 'connectors.my crm.operations.get customer', message: 'expected an operation name (a letter or _, then letters, digits, _ or -); got "get customer"' },
      ],
    },
    {
      name: 'empty file',
      text: '# nothing yet\n',
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 1, column: 1, path: 'connectors.crm', message: 'expected a mapping with keys such as baseUrl and operations; got an empty file' }],
    },
    {
      name: 'operations is a list',
      text: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  - getCustomer'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 3, column: 3, path: 'connectors.crm.operations', message: 'expected a mapping of operation names to operations; got a list' }],
    },
    {
      name: 'multiple errors in one run, in file order',
      text: yaml(
        'baseUrl: ftp://files',
        'operations:',
        '  getCustomer:',
        '    method: GTE',
        '    params:',
        '      id: Int?',
        '  getCustomers:',
        '    pth: /customers',
        '    batch:',
        '      maxSize: 0',
        '      keyField: id',
      ),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', line: 1, column: 10, path: 'connectors.crm.baseUrl', message: 'expected an absolute http(s) URL, e.g. "http://127.0.0.1:4101"; got "ftp://files"' },
        { code: 'CONFIG_MISSING_KEY', line: 3, column: 3, path: 'connectors.crm.operations.getCustomer.path', message: 'expected key "path" (the path template appended to baseUrl, e.g. "/customers/{id}"); it is missing' },
        { code: 'CONFIG_INVALID_VALUE', line: 4, column: 13, path: 'connectors.crm.operations.getCustomer.method', message: `${METHODS}; got "GTE". Did you mean "GET"?` },
        { code: 'CONFIG_INVALID_VALUE', line: 6, column: 11, path: 'connectors.crm.operations.getCustomer.params.id', message: `${TYPE}; got "Int?"` },
        { code: 'CONFIG_MISSING_KEY', line: 7, column: 3, path: 'connectors.crm.operations.getCustomers.path', message: 'expected key "path" (the path template appended to baseUrl, e.g. "/customers/{id}"); it is missing' },
        { code: 'CONFIG_UNKNOWN_KEY', line: 8, column: 5, path: 'connectors.crm.operations.getCustomers.pth', message: `${OP_KEYS}; got "pth". Did you mean "path"?` },
        { code: 'CONFIG_INVALID_VALUE', line: 10, column: 16, path: 'connectors.crm.operations.getCustomers.batch.maxSize', message: 'expected a positive integer; got 0' },
      ],
    },
  ])('$name', ({ text, errors }) => {
    expect(errorsOf(text)).toEqual(errors);
  });
});

describe('a valid connector', () => {
  test('produces the exact ConnectorConfig, with every default filled in', () => {
    const text = yaml(
      'baseUrl: ${CRM_URL:-http://127.0.0.1:4101}',
      'headers:',
      '  x-client: tessera',
      'operations:',
      '  getCustomer:',
      '    path: /customers/{id}',
      '    params:',
      '      id: ID!',
      '      tags: "[String!]!"',
      '    result: customer',
      '  getCustomers:',
      '    path: /customers',
      '    query: { ids: "{keys}", limit: 10 }',
      '    batch: { maxSize: 100, keyField: id }',
      '  search:',
      '    method: POST',
      '    path: /search',
      '    timeoutMs: 500',
      '    headers: { x-mode: fast }',
      '    body: { text: "{text}", limit: 5, nested: [true, null] }',
      '    batch: { maxSize: 5, keyField: a.b, many: true, keyStyle: repeat, acrossRequests: true }',
    );
    const { config, errors } = checkConfigSources({ connectorFiles: [{ file: FILE, text }], schemaFiles: [{ file: 'schemas/a.graphql', text: 'type Query { a: Int }' }] }, {});
    expect(errors).toEqual([]);
    const [connector] = config.connectors as [ConnectorConfig];
    const { sourceMap, ...rest } = connector;
    const resilience = { connectTimeoutMs: undefined, idempotent: undefined, retry: {}, cacheTtlMs: undefined, coalesce: undefined };
    const defaults = { method: 'GET', query: {}, headers: {}, body: undefined, params: {}, batch: undefined, result: '', timeoutMs: undefined, resilience };
    expect(rest).toStrictEqual({
      name: 'crm',
      transport: 'http',
      baseUrl: 'http://127.0.0.1:4101',
      headers: { 'x-client': 'tessera' },
      forwardHeaders: [],
      timeoutMs: 10_000,
      resilience: { connectTimeoutMs: undefined, retry: {}, circuitBreaker: {}, concurrency: {}, cache: {} },
      operations: {
        getCustomer: { ...defaults, name: 'getCustomer', path: '/customers/{id}', params: { id: { type: 'ID!' }, tags: { type: '[String!]!' } }, result: 'customer' },
        getCustomers: {
          ...defaults,
          name: 'getCustomers',
          path: '/customers',
          query: { ids: '{keys}', limit: '10' },
          batch: { maxSize: 100, keyField: 'id', many: false, keyStyle: 'comma', acrossRequests: false, answer: { kind: 'list' }, keyFields: undefined, keySeparator: ':' },
        },
        search: {
          ...defaults,
          name: 'search',
          method: 'POST',
          path: '/search',
          timeoutMs: 500,
          headers: { 'x-mode': 'fast' },
          body: { text: '{text}', limit: 5, nested: [true, null] },
          batch: { maxSize: 5, keyField: 'a.b', many: true, keyStyle: 'repeat', acrossRequests: true, answer: { kind: 'list' }, keyFields: undefined, keySeparator: ':' },
        },
      },
    });
    expect(config.schemaFiles).toEqual([{ file: 'schemas/a.graphql', text: 'type Query { a: Int }' }]);
    expect(sourceMap.file).toBe(FILE);
    expect(sourceMap.locate(['operations', 'search', 'method'])).toEqual({ file: FILE, line: 16, column: 13 });
  });

  test('the name key overrides the file name', () => {
    const { config } = checkConfigSources({ connectorFiles: [{ file: FILE, text: yaml('name: customers', 'baseUrl: https://crm.example', 'operations: {}') }], schemaFiles: [] });
    expect(config.connectors.map((c) => c.name)).toEqual(['customers']);
  });
});
