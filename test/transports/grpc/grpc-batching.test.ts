import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, REPO_ROOT, type TestGateway } from '../../support/gateway.ts';
import { startGrpcUpstream, type GrpcUpstream } from '../../support/grpc-upstream.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/grpc');
const ITEMS: Record<string, { id: string; name: string; color: string }> = {
  '1': { id: '1', name: 'one', color: 'RED' },
  '2': { id: '2', name: 'two', color: 'GREEN' },
  '3': { id: '3', name: 'three', color: 'COLOR_UNSPECIFIED' },
  '9007199254740993': { id: '9007199254740993', name: 'beyond 2^53', color: 'RED' },
};

const SCHEMA = `
type Query {
  item(id: ID!): Item @source(connector: "types", operation: "getItems", key: "{args.id}")
  items(ids: [ID!]!): [Item] @source(connector: "types", operation: "getItems", keys: "{args.ids}")
  cachedItem(id: ID!, region: String): Item @source(connector: "types", operation: "cachedItems", key: "{args.id}", params: { region: "{args.region}" })
}
type Item { id: ID! name: String color: Color }
enum Color { COLOR_UNSPECIFIED RED GREEN }
`;

const CONNECTOR = (address: string) => `
name: types
transport: grpc
address: ${address}
protos: types.proto
service: test.types.v1.TypesService
operations:
  getItems:
    rpc: GetItems
    request:
      ids: "{keys}"
      region: eu
    batch: { maxSize: 2, keyField: id }
    result: items
  cachedItems:
    rpc: GetItems
    request:
      ids: "{keys}"
      region: "{region}"
    params: { region: String }
    batch: { maxSize: 2, keyField: id }
    result: items
    cache: { ttlMs: 60000 }
`;

let upstream: GrpcUpstream;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  upstream = await startGrpcUpstream({
    proto: path.join(FIXTURES, 'types.proto'),
    service: 'test.types.v1.TypesService',
    handlers: {
      // Answers in reverse order and skips unknown ids: matching must go by key, not position.
      GetItems: (request) => ({ items: (request.ids as string[]).flatMap((id) => (ITEMS[id] ? [ITEMS[id]] : [])).reverse() }),
    },
  });
  config = await writeConfigDir({
    schemas: { 'types.graphql': SCHEMA },
    connectors: {
      'types.yaml': CONNECTOR(upstream.address),
      'types.proto': readFileSync(path.join(FIXTURES, 'types.proto'), 'utf8'),
      'common.proto': readFileSync(path.join(FIXTURES, 'common.proto'), 'utf8'),
    },
  });
  gw = await startGateway({ configDir: config.dir });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await config?.remove();
});

beforeEach(() => {
  upstream.calls.length = 0;
});

describe('a batched gRPC operation: keys go into a repeated field, answers match by key', () => {
  test('five keys with maxSize 2 make exactly the calls [[1,2],[3,4],[5]]; unknown keys are null with an error', async () => {
    const { body } = await gw.query('{ items(ids: ["1", "2", "3", "4", "5"]) { id name color } }');
    expect(upstream.calls.map((c) => c.request.ids)).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect(upstream.calls.map((c) => c.request.region)).toEqual(['eu', 'eu', 'eu']);
    expect(body.data).toEqual({
      items: [
        { id: '1', name: 'one', color: 'RED' },
        { id: '2', name: 'two', color: 'GREEN' },
        { id: '3', name: 'three', color: 'COLOR_UNSPECIFIED' },
        null,
        null,
      ],
    });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code, e.message])).toEqual([
      [['items', 3], 'UPSTREAM_ENTITY_NOT_FOUND', 'Upstream types.getItems returned no item for key "4".'],
      [['items', 4], 'UPSTREAM_ENTITY_NOT_FOUND', 'Upstream types.getItems returned no item for key "5".'],
    ]);
  });

  test('an int64 key beyond 2^53 goes and comes back exact', async () => {
    const { body } = await gw.query('{ item(id: "9007199254740993") { id name } }');
    expect(upstream.calls.map((c) => c.request.ids)).toEqual([['9007199254740993']]);
    expect(body).toEqual({ data: { item: { id: '9007199254740993', name: 'beyond 2^53' } } });
  });

  test('the same key asked twice in one request is sent once', async () => {
    const { body } = await gw.query('{ a: item(id: "1") { name } b: item(id: "1") { name } c: item(id: "2") { name } }');
    expect(upstream.calls.map((c) => c.request.ids)).toEqual([['1', '2']]);
    expect(body.data).toEqual({ a: { name: 'one' }, b: { name: 'one' }, c: { name: 'two' } });
  });

  test('the response cache keys a gRPC call by its encoded message: the same call is answered from the cache, another region is not', async () => {
    const ask = (region: string) => gw.query(`{ cachedItem(id: "1", region: "${region}") { name } }`);
    expect((await ask('eu')).body).toEqual({ data: { cachedItem: { name: 'one' } } });
    expect((await ask('eu')).body).toEqual({ data: { cachedItem: { name: 'one' } } });
    expect((await ask('us')).body).toEqual({ data: { cachedItem: { name: 'one' } } });
    expect(upstream.calls.map((c) => [c.request.ids, c.request.region])).toEqual([
      [['1'], 'eu'],
      [['1'], 'us'],
    ]);
  });

  test('a key the int64 field cannot carry fails its field with REQUEST_INVALID, before any call', async () => {
    const { body } = await gw.query('{ item(id: "abc") { id } }');
    expect(upstream.calls).toEqual([]);
    expect(body.data).toEqual({ item: null });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code, e.message])).toEqual([
      [['item'], 'REQUEST_INVALID', 'Cannot call types.getItems: request field ItemsRequest.ids[0]: expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (int64); got "abc".'],
    ]);
  });
});
