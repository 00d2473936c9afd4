import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { validateConfig } from '../../src/index.ts';
import { writeConfigDir, REPO_ROOT } from '../support/gateway.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/thrift');
const TYPES = readFileSync(path.join(FIXTURES, 'types.thrift'), 'utf8');
const COMMON = readFileSync(path.join(FIXTURES, 'common.thrift'), 'utf8');
const SCHEMA = 'type Query { item(id: ID!): Item @source(connector: "types", operation: "getItems", key: "{args.id}") }\ntype Item { id: ID! }\n';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const HEAD = ['name: types', 'transport: thrift', 'address: 127.0.0.1:4999', 'idl: types.thrift', 'service: TypesService', 'operations:'];
const GOOD_OP = ['  getItems:', '    rpc: getItems', '    request:', '      ids: "{keys}"', '    batch: { maxSize: 10, keyField: id }'];
/** The line of types.thrift that holds `text`, 1-based. */
const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

const removers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(removers.splice(0).map((remove) => remove()));
});

/** The exact errors `tessera validate` reports for a connector file (and IDL files) next to the schema above. */
async function errorsOf(connector: string, idl: Record<string, string> = { 'types.thrift': TYPES, 'common.thrift': COMMON }) {
  const { dir, remove } = await writeConfigDir({ schemas: { 'types.graphql': SCHEMA }, connectors: { 'types.yaml': connector, ...idl } });
  removers.push(remove);
  const report = await validateConfig({ configDir: dir });
  return report.errors.map((e) => ({ code: e.code, at: e.source ? `${path.basename(e.source.file)}:${e.source.line}:${e.source.column}` : undefined, path: e.configPath, message: e.message }));
}

describe('Thrift connector errors at validate time: file:line:col, what was expected, a suggestion', () => {
  test('a valid connector has no error', async () => {
    expect(await errorsOf(yaml(...HEAD, ...GOOD_OP))).toEqual([]);
  });

  test.for<{ name: string; idl: Record<string, string>; errors: unknown[] }>([
    {
      name: 'IDL syntax error: the .thrift file, line and column',
      idl: { 'types.thrift': TYPES.replace('2: optional string name,', '2: optional string name name,'), 'common.thrift': COMMON },
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `types.thrift:${lineOf(TYPES, '2: optional string name,')}:27`, path: 'connectors.types.idl', message: 'expected valid Thrift IDL; Unable to find identifier for field' }],
    },
    {
      name: 'an include that cannot be found: the include line',
      idl: { 'types.thrift': TYPES },
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `types.thrift:${lineOf(TYPES, 'include "common.thrift"')}:1`, path: 'connectors.types.idl', message: 'expected the included file "common.thrift" next to this file or in includePaths; it cannot be read (ENOENT)' }],
    },
    {
      name: 'a type that is not defined (in an included file): where it is used',
      idl: { 'types.thrift': TYPES, 'common.thrift': COMMON.replace('2: ItemId key,', '2: ItemKey key,') },
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `common.thrift:${lineOf(COMMON, '2: ItemId key,')}:6`, path: 'connectors.types.idl', message: 'expected a defined type; got "ItemKey"' }],
    },
    {
      name: 'a name from a file that is not included',
      idl: { 'types.thrift': TYPES.replace('4: optional common.Money price,', '4: optional money.Money price,'), 'common.thrift': COMMON },
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `types.thrift:${lineOf(TYPES, '4: optional common.Money price,')}:15`, path: 'connectors.types.idl', message: 'expected a defined type; got "money.Money" (is its file included?)' }],
    },
  ])('$name', async ({ idl, errors }) => {
    expect(await errorsOf(yaml(...HEAD, ...GOOD_OP), idl)).toEqual(errors);
  });

  test.for([
    {
      name: 'an IDL file that cannot be read: the connector line',
      text: yaml(...HEAD.map((l) => l.replace('idl: types.thrift', 'idl: typo.thrift')), ...GOOD_OP),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:4:6', path: 'connectors.types.idl', message: 'expected a readable .thrift file "typo.thrift"; it cannot be read (ENOENT)' }],
    },
    {
      name: 'unknown service, with a suggestion',
      text: yaml(...HEAD.map((l) => l.replace('service: TypesService', 'service: TypeService')), ...GOOD_OP),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:5:10', path: 'connectors.types.service', message: 'expected a service defined in the IDL (TypesService); got "TypeService". Did you mean "TypesService"?' }],
    },
    {
      name: 'unknown function, with a suggestion',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('rpc: getItems', 'rpc: getItem'))),
      errors: [{ code: 'CONFIG_UNKNOWN_OPERATION', at: 'types.yaml:8:10', path: 'connectors.types.operations.getItems.rpc', message: 'expected a function of TypesService (getItems, echo, page, touch, ping); got "getItem". Did you mean "getItems"?' }],
    },
    {
      name: 'a oneway function: nothing to answer a field with',
      text: yaml(...HEAD, '  getItems:', '    rpc: ping'),
      errors: [{ code: 'CONFIG_UNSUPPORTED', at: 'types.yaml:8:10', path: 'connectors.types.operations.getItems.rpc', message: 'expected a function that answers; ping is oneway, and a field needs a value' }],
    },
    {
      name: 'unknown request field, with a suggestion',
      text: yaml(...HEAD, '  getItems:', '    rpc: getItems', '    request:', '      ids: "{keys}"', '      regoin: eu', '    batch: { maxSize: 10, keyField: id }'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:11:7', path: 'connectors.types.operations.getItems.request.regoin', message: 'expected a field of TypesService.getItems (ids, region); got "regoin". Did you mean "region"?' }],
    },
    {
      name: 'unknown field of a nested struct',
      text: yaml(...HEAD, '  echo:', '    rpc: echo', '    request:', '      item: { id: x, nmae: y }'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:10:22', path: 'connectors.types.operations.echo.request.item.nmae', message: 'expected a field of Item (id, name, color, price, tags, sizes, counters, blob, big, flag, ratio, tiny, small, plain, labels); got "nmae". Did you mean "name"?' }],
    },
    {
      name: 'a literal its field cannot carry (an i64 that is not an integer)',
      text: yaml(...HEAD, '  echo:', '    rpc: echo', '    request:', '      item: { id: x, big: 1.5 }'),
      errors: [{ code: 'CONFIG_TYPE_MISMATCH', at: 'types.yaml:10:27', path: 'connectors.types.operations.echo.request.item.big', message: 'expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (i64) for big; got 1.5' }],
    },
    {
      name: 'a required argument the template does not give',
      text: yaml(...HEAD, '  touch:', '    rpc: touch'),
      errors: [{ code: 'CONFIG_MISSING_PARAM', at: 'types.yaml:8:5', path: 'connectors.types.operations.touch.rpc', message: 'expected a value for the required argument id (string) of touch in request' }],
    },
    {
      name: '{keys} in an argument that is not a list',
      text: yaml(...HEAD, '  getItems:', '    rpc: getItems', '    request:', '      ids: "{keys}"', '      region: "{keys}"', '    batch: { maxSize: 10, keyField: id }'),
      errors: [{ code: 'CONFIG_TYPE_MISMATCH', at: 'types.yaml:11:16', path: 'connectors.types.operations.getItems.request.region', message: "expected {keys} alone in a repeated field (the batch's keys are a list); region is a single string" }],
    },
    {
      name: 'a batched operation that does not send its keys',
      text: yaml(...HEAD, '  getItems:', '    rpc: getItems', '    request: { region: eu }', '    batch: { maxSize: 10, keyField: id }'),
      errors: [{ code: 'CONFIG_MISSING_PARAM', at: 'types.yaml:10:5', path: 'connectors.types.operations.getItems.batch', message: 'expected the batched operation to send its keys: put "{keys}" in a list<> or set<> argument of getItems' }],
    },
    {
      name: 'a keyField the items do not have',
      text: yaml(...HEAD, ...GOOD_OP.map((l) => l.replace('keyField: id', 'keyField: idd'))),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:11:37', path: 'connectors.types.operations.getItems.batch.keyField', message: 'expected keyField to be a field of Item, the items of the answer (id, name, color, price, tags, sizes, counters, blob, big, flag, ratio, tiny, small, plain, labels); got "idd". Did you mean "id"?' }],
    },
    {
      name: 'a result path that is not in the answer',
      text: yaml(...HEAD, '  page:', '    rpc: page', '    request: { ids: "{keys}" }', '    batch: { maxSize: 10, keyField: id }', '    result: item'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:11:13', path: 'connectors.types.operations.page.result', message: 'expected result to be a dot path of fields of ItemsPage; "item" is not a field of ItemsPage (items, total). Did you mean "items"?' }],
    },
    {
      name: 'shape: bad protocol and framing, a keyStyle, missing idl',
      text: yaml('name: types', 'transport: thrift', 'address: 127.0.0.1:4999', 'service: TypesService', 'protocol: json', 'framing: framd', 'operations:', '  getItems:', '    rpc: getItems', '    batch: { maxSize: 10, keyField: id, keyStyle: comma }'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', at: 'types.yaml:1:1', path: 'connectors.types.idl', message: 'expected key "idl"; it is missing' },
        { code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:5:11', path: 'connectors.types.protocol', message: 'expected one of binary, compact; got "json"' },
        { code: 'CONFIG_INVALID_VALUE', at: 'types.yaml:6:10', path: 'connectors.types.framing', message: 'expected one of framed, buffered; got "framd". Did you mean "framed"?' },
        { code: 'CONFIG_UNKNOWN_KEY', at: 'types.yaml:10:41', path: 'connectors.types.operations.getItems.batch.keyStyle', message: 'expected no keyStyle in a Thrift batch: the keys go into a list<> or set<> argument' },
      ],
    },
  ])('$name', async ({ text, errors }) => {
    expect(await errorsOf(text)).toEqual(errors);
  });
});
