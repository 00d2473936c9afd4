import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileBlueprint } from '../../src/blueprint/index.ts';

const FILE = 'connectors/crm.yaml';
const SCHEMA = 'type Query { ping: String @source(connector: "crm", operation: "ping") }\n';
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const HEAD = ['baseUrl: http://127.0.0.1:4101', 'operations:', '  ping: { path: /ping }'];

/** Every error of one connector file, shape (config/) and meaning (blueprint/), with its position. */
function errorsOf(text: string) {
  const loaded = checkConfigSources({ connectorFiles: [{ file: FILE, text }], schemaFiles: [{ file: 'schemas/s.graphql', text: SCHEMA }] });
  const compiled = loaded.errors.length ? { errors: [] } : compileBlueprint(loaded.config);
  return [...loaded.errors, ...compiled.errors].map((e) => ({ code: e.code, at: `${e.source?.line}:${e.source?.column}`, path: e.configPath, message: e.message }));
}

const ENVELOPE_KEYS = 'expected one of the keys failWhen, data, code, message, messageSafe, retryOn';
const CURSOR_KEYS = 'expected one of the keys style, maxPages, pageSize, sizeParam, limitParam, cursorPath, cursorParam';

describe('envelope, coalesce and pagination: every misspelt or mistyped key is reported at file:line:col', () => {
  test.for([
    {
      name: 'misspelt envelope key, with a suggestion',
      text: yaml('envelope:', '  failwhen: "body.code != 0"', ...HEAD),
      errors: [{ code: 'CONFIG_UNKNOWN_KEY', at: '2:3', path: 'connectors.crm.envelope.failwhen', message: `${ENVELOPE_KEYS}; got "failwhen". Did you mean "failWhen"?` }],
    },
    {
      name: 'envelope of the wrong type, and mistyped members',
      text: yaml(...HEAD, '  list:', '    path: /list', '    envelope: { data: 3, messageSafe: "yes", retryOn: 503 }', '  other:', '    path: /o', '    envelope: true'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', at: '6:5', path: 'connectors.crm.operations.list.envelope.failWhen', message: 'expected key "failWhen" (when an answer is a failure) next to "retryOn"; it is missing' },
        { code: 'CONFIG_INVALID_VALUE', at: '6:23', path: 'connectors.crm.operations.list.envelope.data', message: 'expected a dot path into the response body, e.g. "data"; got 3' },
        { code: 'CONFIG_INVALID_VALUE', at: '6:39', path: 'connectors.crm.operations.list.envelope.messageSafe', message: 'expected true or false; got "yes"' },
        { code: 'CONFIG_INVALID_VALUE', at: '6:55', path: 'connectors.crm.operations.list.envelope.retryOn', message: 'expected a list of upstream codes (strings or numbers), e.g. [503, "BUSY"]; got 503' },
        { code: 'CONFIG_INVALID_VALUE', at: '9:15', path: 'connectors.crm.operations.other.envelope', message: `expected a mapping with any of the keys failWhen, data, code, message, messageSafe, retryOn, or false for none; got true` },
      ],
    },
    {
      name: 'failWhen that is not CEL points inside the expression',
      text: yaml('envelope:', '  failWhen: "body.code !== 0"', ...HEAD),
      errors: [{ code: 'CONFIG_INVALID_EXPRESSION', at: '2:24', path: 'connectors.crm.envelope.failWhen', message: expect.stringMatching(/^EXPR_SYNTAX: expected a valid CEL expression/) }],
    },
    {
      name: 'failWhen that names anything but body',
      text: yaml(...HEAD, '  list:', '    path: /list', '    envelope:', '      failWhen: body.code != 0 || process.exit', ''),
      errors: [{ code: 'CONFIG_INVALID_EXPRESSION', at: '7:35', path: 'connectors.crm.operations.list.envelope.failWhen', message: 'EXPR_UNKNOWN_REFERENCE: expected one of body; got "process"' }],
    },
    {
      name: 'failWhen that cannot give a bool',
      text: yaml('envelope: { failWhen: "size(body.items)" }', ...HEAD),
      errors: [{ code: 'CONFIG_INVALID_EXPRESSION', at: '1:24', path: 'connectors.crm.envelope.failWhen', message: 'EXPR_TYPE_MISMATCH: expected an expression that gives a bool; this one gives a number' }],
    },
    {
      name: 'coalesce mistyped, misspelt, and on a POST',
      text: yaml(...HEAD, '  a: { path: /a, coalesce: "yes" }', '  b: { path: /b, coalese: true }', '  c: { method: POST, path: /c, coalesce: true }'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: '4:28', path: 'connectors.crm.operations.a.coalesce', message: 'expected true or false; got "yes"' },
        { code: 'CONFIG_UNKNOWN_KEY', at: '5:18', path: 'connectors.crm.operations.b.coalese', message: expect.stringMatching(/; got "coalese"\. Did you mean "coalesce"\?$/) },
        { code: 'CONFIG_INVALID_VALUE', at: '6:42', path: 'connectors.crm.operations.c.coalesce', message: 'expected coalesce only on an idempotent operation (GET, or idempotent: true); this POST is not' },
      ],
    },
    {
      name: 'pagination: misspelt key, a key of another style, missing required keys',
      text: yaml(...HEAD, '  list:', '    path: /list', '    pagination:', '      style: cursor', '      cursorPth: next', '      pageParam: p', '  paged:', '    path: /paged', '    pagination: { style: page }'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', at: '6:5', path: 'connectors.crm.operations.list.pagination.maxPages', message: 'expected key "maxPages" (the most calls for one list, 1 to 100); it is missing' },
        { code: 'CONFIG_MISSING_KEY', at: '6:5', path: 'connectors.crm.operations.list.pagination.cursorPath', message: 'expected key "cursorPath" (the dot path of the next cursor in the body, e.g. "next"); it is missing' },
        { code: 'CONFIG_UNKNOWN_KEY', at: '8:7', path: 'connectors.crm.operations.list.pagination.cursorPth', message: `${CURSOR_KEYS}; got "cursorPth". Did you mean "cursorPath" or "cursorParam"?` },
        { code: 'CONFIG_UNKNOWN_KEY', at: '9:7', path: 'connectors.crm.operations.list.pagination.pageParam', message: `${CURSOR_KEYS}; got "pageParam". Did you mean "sizeParam"?` },
        { code: 'CONFIG_MISSING_KEY', at: '12:5', path: 'connectors.crm.operations.paged.pagination.maxPages', message: 'expected key "maxPages" (the most calls for one list, 1 to 100); it is missing' },
        { code: 'CONFIG_MISSING_KEY', at: '12:5', path: 'connectors.crm.operations.paged.pagination.pageSize', message: 'expected key "pageSize" (items per page: a shorter page is the last one in the page style); it is missing' },
      ],
    },
    {
      name: 'pagination: bad style, maxPages out of range, pageSize mistyped',
      text: yaml(...HEAD, '  list:', '    path: /list', '    pagination: { style: cursr, maxPages: 1000, pageSize: "100" }'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: '6:26', path: 'connectors.crm.operations.list.pagination.style', message: 'expected one of cursor, page, offset; got "cursr". Did you mean "cursor"?' },
        { code: 'CONFIG_INVALID_VALUE', at: '6:43', path: 'connectors.crm.operations.list.pagination.maxPages', message: 'expected an integer from 1 to 100; got 1000' },
        { code: 'CONFIG_INVALID_VALUE', at: '6:59', path: 'connectors.crm.operations.list.pagination.pageSize', message: 'expected a positive integer; got "100"' },
      ],
    },
    {
      name: 'pagination: limitParam that is not a declared Int param, and on a batch',
      text: yaml(
        ...HEAD,
        '  list:',
        '    path: /list',
        '    params: { customerId: ID!, limit: Int, name: String }',
        '    pagination: { style: cursor, cursorPath: next, maxPages: 3, limitParam: limt }',
        '  named:',
        '    path: /named',
        '    params: { name: String }',
        '    pagination: { style: offset, pageSize: 10, maxPages: 3, limitParam: name }',
        '  many:',
        '    path: /many',
        '    query: { ids: "{keys}" }',
        '    batch: { maxSize: 10, keyField: id }',
        '    pagination: { style: page, pageSize: 10, maxPages: 2 }',
      ),
      errors: [
        { code: 'CONFIG_UNKNOWN_REFERENCE', at: '7:77', path: 'connectors.crm.operations.list.pagination.limitParam', message: 'expected a declared param (customerId, limit, name); got "limt". Did you mean "limit"?' },
        { code: 'CONFIG_INVALID_VALUE', at: '11:73', path: 'connectors.crm.operations.named.pagination.limitParam', message: 'expected the limit param "name" to be declared Int or Int!; it is String' },
        { code: 'CONFIG_INVALID_VALUE', at: '16:5', path: 'connectors.crm.operations.many.pagination', message: 'expected pagination on an unbatched operation; this one has a batch section' },
      ],
    },
  ])('$name', ({ text, errors }) => {
    expect(errorsOf(text)).toEqual(errors);
  });

  test('a well-formed envelope, coalesce and pagination have no error', () => {
    const text = yaml(
      'envelope: { failWhen: "body.code != 0", data: data, code: code, message: msg, retryOn: [1001, "BUSY"] }',
      ...HEAD,
      '  health: { path: /health, envelope: false }',
      '  list:',
      '    path: /list',
      '    coalesce: true',
      '    params: { limit: Int }',
      '    pagination: { style: cursor, cursorPath: next, cursorParam: after, sizeParam: size, pageSize: 100, maxPages: 3, limitParam: limit }',
    );
    expect(errorsOf(text)).toEqual([]);
  });
});
