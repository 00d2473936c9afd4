import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { validateConfig } from '../../src/index.ts';
import { writeConfigDir, REPO_ROOT } from '../support/gateway.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/grpc');
const TYPES_PROTO = readFileSync(path.join(FIXTURES, 'types.proto'), 'utf8');
const COMMON_PROTO = readFileSync(path.join(FIXTURES, 'common.proto'), 'utf8');
const SCHEMA = 'type Query { item(id: ID!): Item @source(connector: "types", operation: "getItems", key: "{args.id}") }\ntype Item { id: ID! }\n';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const HEAD = ['name: types', 'transport: grpc', 'address: 127.0.0.1:4999', 'protos: types.proto', 'service: test.types.v1.TypesService', 'operations:'];
const GOOD_OP = ['  getItems:', '    rpc: GetItems', '    request:', '      ids: "{keys}"', '    batch: { maxSize: 10, keyField: id }', '    result: items'];

const removers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(removers.splice(0).map((remove) => remove()));
});

/** The exact errors `tessera validate` reports for a connector file (and protos) next to the schema above. */
async function errorsOf(connector: string, protos: Record<string, string> = { 'types.proto': TYPES_PROTO, 'common.proto': COMMON_PROTO }) {
  const { dir, remove } = await writeConfigDir({ schemas: { 'types.graphql': SCHEMA }, connectors: { 'types.yaml': connector, ...protos } });
  removers.push(remove);
  const report = await validateConfig({ configDir: dir });
  return report.errors.map((e) => ({ code: e.code, at: e.source ? `${path.basename(e.source.file)}:${e.source.line}:${e.source.column}` : undefined, path: e.configPath, message: e.message }));
}

describe('gRPC connector errors at validate time: file:line, what was expected, a suggestion', () => {
  test('a valid connector has no error', async () => {
    expect(await errorsOf(yaml(...HEAD, ...GOOD_OP))).toEqual([]);
  });

  test.for<{ name: string; protos: Record<string, string>; errors: unknown[] }>([
    {
      name: 'proto syntax error: the proto file and line',
      protos: { 'types.proto': TYPES_PROTO.replace('int64 i64 = 2;', 'int64 i64 = ;'), 'common.proto': COMMON_PROTO },
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.proto:20:1', path: 'connectors.types.protos', message: "expected valid proto syntax; illegal id ';'" }],
    },
    {
      name: 'an import that is not there: the importing line',
      protos: { 'types.proto': TYPES_PROTO },
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.proto:7:1', path: 'connectors.types.protos', message: 'expected the imported file "common.proto" next to this file or in importPaths; it cannot be read (ENOENT)' }],
    },
    {
      name: 'a type that is not defined: the line that uses it',
      protos: { 'types.proto': TYPES_PROTO.replace('Inner inner = 15;', 'Outer inner = 15;'), 'common.proto': COMMON_PROTO },
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.proto:33:1', path: 'connectors.types.protos', message: 'expected a defined message or enum type; got "Outer" (an import may be missing)' }],
    },
  ])('$name', async ({ protos, errors }) => {
    expect(await errorsOf(yaml(...HEAD, ...GOOD_OP), protos)).toEqual(errors);
  });

  test.for([
    {
      name: 'a proto file that does not exist',
      text: yaml(...HEAD.map((l) => l.replace('types.proto', 'typo.proto')), ...GOOD_OP),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:4:9', path: 'connectors.types.protos', message: 'expected a readable .proto file "typo.proto"; it cannot be read (ENOENT)' }],
    },
    {
      name: 'unknown service, with a suggestion',
      text: yaml(...HEAD.map((l) => l.replace('TypesService', 'TypeService')), ...GOOD_OP),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:5:10', path: 'connectors.types.service', message: 'expected a service defined in the protos (test.types.v1.TypesService); got "test.types.v1.TypeService". Did you mean "test.types.v1.TypesService"?' }],
    },
    {
      name: 'unknown method, with a suggestion',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('rpc: GetItems', 'rpc: GetItem'))),
      errors: [{ code: 'CONFIG_UNKNOWN_OPERATION', at: 'types.yaml:8:10', path: 'connectors.types.operations.getItems.rpc', message: 'expected a method of test.types.v1.TypesService (Echo, GetItems, Watch); got "GetItem". Did you mean "GetItems"?' }],
    },
    {
      name: 'a streaming method',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('rpc: GetItems', 'rpc: Watch'))),
      errors: [{ code: 'CONFIG_UNSUPPORTED', at: 'types.yaml:8:10', path: 'connectors.types.operations.getItems.rpc', message: 'expected a unary method; Watch streams its answers, which Tessera does not call yet' }],
    },
    {
      name: 'a request field the message does not have, with a suggestion',
      text: yaml(...HEAD, ...GOOD_OP.slice(0, 4), '      regoin: eu', ...GOOD_OP.slice(4)),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:11:7', path: 'connectors.types.operations.getItems.request.regoin', message: 'expected a field of test.types.v1.ItemsRequest (ids, region); got "regoin". Did you mean "region"?' }],
    },
    {
      name: '{keys} in a field that is not repeated',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('ids: "{keys}"', 'region: "{keys}"'))),
      errors: [
        { code: 'CONFIG_TYPE_MISMATCH', at: 'types.yaml:10:16', path: 'connectors.types.operations.getItems.request.region', message: "expected {keys} alone in a repeated field (the batch's keys are a list); region is a single string" },
      ],
    },
    {
      name: 'a template naming an undeclared param',
      text: yaml(...HEAD, ...GOOD_OP.slice(0, 4), '      region: "{regoin}"', '    params: { region: String }', ...GOOD_OP.slice(4)),
      errors: [{ code: 'CONFIG_UNKNOWN_REFERENCE', at: 'types.yaml:11:16', path: 'connectors.types.operations.getItems.request.region', message: 'expected a declared param (region); got {regoin}. Did you mean "region"?' }],
    },
    {
      name: 'a literal the field cannot carry',
      text: yaml(...HEAD, ...GOOD_OP.slice(0, 4), '      region: [eu, us]', ...GOOD_OP.slice(4)),
      errors: [{ code: 'CONFIG_TYPE_MISMATCH', at: 'types.yaml:11:15', path: 'connectors.types.operations.getItems.request.region', message: 'expected a single string for region, which is not repeated; got a list' }],
    },
    {
      name: 'a literal id that is not an int64',
      text: yaml(...HEAD, '  getItems:', '    rpc: GetItems', '    request:', '      ids: [1, two]'),
      errors: [{ code: 'CONFIG_TYPE_MISMATCH', at: 'types.yaml:10:12', path: 'connectors.types.operations.getItems.request.ids', message: 'expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (int64) for ids[1]; got "two"' }],
    },
    {
      name: 'a batched operation that never sends its keys',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('ids: "{keys}"', 'region: eu'))),
      errors: [{ code: 'CONFIG_MISSING_PARAM', at: 'types.yaml:11:5', path: 'connectors.types.operations.getItems.batch', message: 'expected the batched operation to send its keys: put "{keys}" in a repeated field of ItemsRequest' }],
    },
    {
      name: 'a key field the items do not have, with a suggestion',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('keyField: id', 'keyField: idd'))),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:11:37', path: 'connectors.types.operations.getItems.batch.keyField', message: 'expected keyField to be a field of Item, the items at "items" (id, name, color); got "idd". Did you mean "id"?' }],
    },
    {
      name: 'a result path the answer does not have',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('result: items', 'result: item'))),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:12:13', path: 'connectors.types.operations.getItems.result', message: 'expected result to be a dot path of fields of ItemsResponse; "item" is not a field of ItemsResponse (items). Did you mean "items"?' }],
    },
    {
      name: 'coalesce on a method neither the config nor the proto calls idempotent',
      text: yaml(...HEAD, ...GOOD_OP, '    coalesce: true'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:13:15', path: 'connectors.types.operations.getItems.coalesce', message: 'expected coalesce only on an idempotent method (idempotent: true, or idempotency_level NO_SIDE_EFFECTS or IDEMPOTENT in the proto); GetItems is not' }],
    },
    {
      name: 'a batched result that is not a repeated message',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('result: items', 'result: ""'))),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:12:13', path: 'connectors.types.operations.getItems.result', message: 'expected result of a batched operation to name a repeated message field of ItemsResponse (one item per key); got the whole answer' }],
    },
  ])('$name', async ({ text, errors }) => {
    expect(await errorsOf(text)).toEqual(errors);
  });
});

describe('gRPC connector shape errors', () => {
  test.for([
    {
      name: 'misspelt transport, with a suggestion',
      text: yaml('transport: grcp', 'baseUrl: http://127.0.0.1:1', 'operations: {}'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:1:12', path: 'connectors.types.transport', message: 'expected one of http, grpc, thrift; got "grcp". Did you mean "grpc"?' }],
    },
    {
      name: 'an address with a scheme, a misspelt operation key, a keyStyle in a gRPC batch',
      text: yaml(...HEAD.map((l) => l.replace('address: 127.0.0.1:4999', 'address: http://127.0.0.1:4999')), '  getItems:', '    rpcc: GetItems', '    batch: { maxSize: 10, keyField: id, keyStyle: comma }'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:3:10', path: 'connectors.types.address', message: 'expected host:port (without a scheme), e.g. "127.0.0.1:4105"; got "http://127.0.0.1:4999"' },
        { code: 'CONFIG_MISSING_KEY', at: 'types.yaml:7:3', path: 'connectors.types.operations.getItems.rpc', message: 'expected key "rpc"; it is missing' },
        { code: 'CONFIG_UNKNOWN_KEY', at: 'types.yaml:8:5', path: 'connectors.types.operations.getItems.rpcc', message: 'expected one of the keys rpc, request, params, batch, result, timeoutMs, connectTimeoutMs, idempotent, retry, cache, coalesce, mutates; got "rpcc". Did you mean "rpc"?' },
        { code: 'CONFIG_UNKNOWN_KEY', at: 'types.yaml:9:41', path: 'connectors.types.operations.getItems.batch.keyStyle', message: 'expected no keyStyle in a gRPC batch: the keys go into a repeated field of the request message' },
      ],
    },
    {
      name: 'missing protos and service',
      text: yaml('name: types', 'transport: grpc', 'address: 127.0.0.1:4999', 'operations: {}'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', at: 'types.yaml:1:1', path: 'connectors.types.protos', message: 'expected key "protos"; it is missing' },
        { code: 'CONFIG_MISSING_KEY', at: 'types.yaml:1:1', path: 'connectors.types.service', message: 'expected key "service"; it is missing' },
      ],
    },
  ])('$name', async ({ text, errors }) => {
    expect(await errorsOf(text)).toEqual(errors);
  });
});
