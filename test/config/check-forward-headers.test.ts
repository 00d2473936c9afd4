import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';

const FILE = 'connectors/crm.yaml';

/** A YAML string in, the exact list of errors out (as in check-connector-shape.test.ts). */
function check(text: string, env: Record<string, string> = {}) {
  const { config, errors } = checkConfigSources({ connectorFiles: [{ file: FILE, text }], schemaFiles: [] }, env);
  return { config, errors: errors.map((e) => ({ code: e.code, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message })) };
}

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const BASE = ['baseUrl: http://127.0.0.1:4101', 'operations:', '  getCustomer: { path: /customers }'];

describe('forwardHeaders: accepted forms', () => {
  test('names are lowercased; renames read from one caller header and send another', () => {
    const { config, errors } = check(yaml(...BASE, 'forwardHeaders:', '  - Authorization', '  - { from: X-Tenant, to: x-tenant-id }', '  - accept-language'));
    expect(errors).toEqual([]);
    expect(config.connectors[0]!.forwardHeaders).toEqual([
      { from: 'authorization', to: 'authorization' },
      { from: 'x-tenant', to: 'x-tenant-id' },
      { from: 'accept-language', to: 'accept-language' },
    ]);
  });

  test('absent: nothing is forwarded', () => {
    expect(check(yaml(...BASE)).config.connectors[0]!.forwardHeaders).toEqual([]);
  });

  test.for([
    { name: '${VAR}', text: 'Bearer ${ORDERS_TOKEN}', env: { ORDERS_TOKEN: 's3cret' }, expected: 'Bearer s3cret' },
    { name: '${VAR:-default}, unset', text: 'Bearer ${ORDERS_TOKEN:-anonymous}', env: {} as Record<string, string>, expected: 'Bearer anonymous' },
  ])('static upstream credentials come from the environment: $name', ({ text, env, expected }) => {
    const { config, errors } = check(yaml(...BASE, 'headers:', `  Authorization: ${text}`), env);
    expect(errors).toEqual([]);
    expect(config.connectors[0]!.headers).toEqual({ Authorization: expected });
  });
});

describe('forwardHeaders: every mistake, with its position and a way out', () => {
  test.for([
    {
      name: 'misspelt key',
      lines: ['forwardHeader: [authorization]'],
      errors: [
        {
          code: 'CONFIG_UNKNOWN_KEY',
          line: 4,
          column: 1,
          path: 'connectors.crm.forwardHeader',
          message:
            'expected one of the keys name, transport, baseUrl, timeoutMs, headers, forwardHeaders, operations, connectTimeoutMs, retry, circuitBreaker, concurrency, cache, envelope, readinessCheck, isolation, shadow; got "forwardHeader". Did you mean "forwardHeaders"?',
        },
      ],
    },
    {
      name: 'a mapping instead of a list',
      lines: ['forwardHeaders: { authorization: true }'],
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          line: 4,
          column: 17,
          path: 'connectors.crm.forwardHeaders',
          message: 'expected a list of caller header names, e.g. [authorization, x-tenant-id], or renames { from: x-tenant, to: x-tenant-id }; got a mapping',
        },
      ],
    },
    {
      name: 'a number in the list',
      lines: ['forwardHeaders: [authorization, 42]'],
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 4, column: 33, path: 'connectors.crm.forwardHeaders.1', message: 'expected a header name or { from: <caller header>, to: <upstream header> }; got 42' }],
    },
    {
      name: 'not a header name',
      lines: ['forwardHeaders: ["x tenant"]'],
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 4, column: 18, path: 'connectors.crm.forwardHeaders.0', message: 'expected a header name (letters, digits and !#$%&\'*+.^_`|~-); got "x tenant"' }],
    },
    {
      name: 'misspelt rename key',
      lines: ['forwardHeaders:', '  - { fro: x-tenant, to: x-tenant-id }'],
      errors: [
        { code: 'CONFIG_MISSING_KEY', line: 5, column: 5, path: 'connectors.crm.forwardHeaders.0.from', message: 'expected key "from" (the caller header name); it is missing' },
        { code: 'CONFIG_UNKNOWN_KEY', line: 5, column: 7, path: 'connectors.crm.forwardHeaders.0.fro', message: 'expected one of the keys from, to; got "fro". Did you mean "from" or "to"?' },
      ],
    },
    {
      name: 'rename target not a string',
      lines: ['forwardHeaders:', '  - { from: x-tenant, to: [x-tenant-id] }'],
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 5, column: 27, path: 'connectors.crm.forwardHeaders.0.to', message: 'expected a header name; got a list' }],
    },
    ...['Connection', 'keep-alive', 'proxy-authorization', 'TE', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length'].map((header) => ({
      name: `hop-by-hop ${header}`,
      lines: [`forwardHeaders: [${header}]`],
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          line: 4,
          column: 18,
          path: 'connectors.crm.forwardHeaders.0',
          message: `expected an end-to-end header; "${header.toLowerCase()}" is hop-by-hop (it describes the caller's connection) and is never forwarded`,
        },
      ],
    })),
    {
      name: 'a hop-by-hop rename target',
      lines: ['forwardHeaders:', '  - { from: x-up, to: upgrade }'],
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          line: 5,
          column: 23,
          path: 'connectors.crm.forwardHeaders.0.to',
          message: 'expected an end-to-end header; "upgrade" is hop-by-hop (it describes the caller\'s connection) and is never forwarded',
        },
      ],
    },
    {
      name: 'the request id, which every call carries already',
      lines: ['forwardHeaders: [x-request-id]'],
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          line: 4,
          column: 18,
          path: 'connectors.crm.forwardHeaders.0',
          message: 'expected a header the gateway does not set; "x-request-id" is the gateway\'s own (every upstream call already carries the request id)',
        },
      ],
    },
    {
      name: 'the same upstream header twice',
      lines: ['forwardHeaders:', '  - x-tenant-id', '  - { from: x-tenant, to: X-Tenant-Id }'],
      errors: [{ code: 'CONFIG_DUPLICATE_NAME', line: 6, column: 5, path: 'connectors.crm.forwardHeaders.1', message: 'expected each upstream header once; "x-tenant-id" is forwarded twice' }],
    },
    {
      name: 'a header also set statically',
      lines: ['headers: { Authorization: Bearer x }', 'forwardHeaders: [authorization]'],
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          line: 5,
          column: 18,
          path: 'connectors.crm.forwardHeaders.0',
          message: 'expected a header that "headers:" does not set; "authorization" is set there too, so one value would silently win',
        },
      ],
    },
  ])('$name', ({ lines, errors }) => {
    expect(check(yaml(...BASE, ...lines)).errors).toEqual(errors);
  });

  test('an operation header that a forwarded header would also set', () => {
    const text = yaml('baseUrl: http://127.0.0.1:4101', 'forwardHeaders: [x-tenant-id]', 'operations:', '  getCustomer:', '    path: /customers', '    headers: { X-Tenant-Id: fixed }');
    expect(check(text).errors).toEqual([
      {
        code: 'CONFIG_INVALID_VALUE',
        line: 6,
        column: 16,
        path: 'connectors.crm.operations.getCustomer.headers.X-Tenant-Id',
        message: 'expected a header that forwardHeaders does not pass on; "x-tenant-id" is forwarded from the caller too, so one value would silently win',
      },
    ]);
  });

  test('an unset variable in a static credential is an error at its value, unless it has a default', () => {
    expect(check(yaml(...BASE, 'headers:', '  authorization: Bearer ${ORDERS_TOKEN}')).errors).toEqual([
      {
        code: 'CONFIG_UNDEFINED_ENV',
        line: 5,
        column: 18,
        path: 'connectors.crm.headers.authorization',
        message: 'expected environment variable ORDERS_TOKEN to be set (or a default: ${ORDERS_TOKEN:-value}); it is not set',
      },
    ]);
  });
});
