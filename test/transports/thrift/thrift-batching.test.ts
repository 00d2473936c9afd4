import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, REPO_ROOT, type TestGateway } from '../../support/gateway.ts';
import { startThriftUpstream, type ThriftUpstream } from '../../support/thrift-upstream.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/thrift');
const ITEMS: Record<string, { id: string; name: string; color: number }> = {
  '1': { id: '1', name: 'one', color: 1 },
  '2': { id: '2', name: 'two', color: 2 },
  '3': { id: '3', name: 'three', color: 5 },
  '9007199254740993': { id: '9007199254740993', name: 'beyond 2^53', color: 1 },
};
/** Every protocol and framing the connector offers, each its own upstream and connector. */
const WIRES = [
  { name: 'binaryFramed', protocol: 'binary', framing: 'framed' },
  { name: 'binaryBuffered', protocol: 'binary', framing: 'buffered' },
  { name: 'compactFramed', protocol: 'compact', framing: 'framed' },
  { name: 'compactBuffered', protocol: 'compact', framing: 'buffered' },
] as const;

const SCHEMA = `
type Query {
${WIRES.map((w) => `  ${w.name}(ids: [ID!]!): [Item] @source(connector: "${w.name}", operation: "getItems", keys: "{args.ids}")`).join('\n')}
  item(id: ID!): Item @source(connector: "binaryFramed", operation: "getItems", key: "{args.id}")
  paged(ids: [ID!]!): [Item] @source(connector: "binaryFramed", operation: "page", keys: "{args.ids}")
  cached(id: ID!, region: String): Item @source(connector: "binaryFramed", operation: "cachedItems", key: "{args.id}", params: { region: "{args.region}" })
}
type Item { id: ID! name: String color: Color }
enum Color { RED GREEN BLUE }
`;

const CONNECTOR = (name: string, address: string, protocol: string, framing: string) => `
name: ${name}
transport: thrift
address: ${address}
idl: types.thrift
service: TypesService
protocol: ${protocol}
framing: ${framing}
operations:
  getItems:
    rpc: getItems
    request:
      ids: "{keys}"
      region: eu
    batch: { maxSize: 2, keyField: id }
  page:
    rpc: page
    request: { ids: "{keys}", limit: 10 }
    batch: { maxSize: 10, keyField: id }
    result: items
  cachedItems:
    rpc: getItems
    request: { ids: "{keys}", region: "{region}" }
    params: { region: String }
    batch: { maxSize: 2, keyField: id }
    cache: { ttlMs: 60000 }
`;

const upstreams = new Map<string, ThriftUpstream>();
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  const handlers = {
    // Answers in reverse order and leaves unknown ids out: matching must go by key, not position.
    getItems: (args: Record<string, unknown>) => (args.ids as string[]).flatMap((id) => (ITEMS[id] ? [ITEMS[id]] : [])).reverse(),
    page: (args: Record<string, unknown>) => ({ items: (args.ids as string[]).flatMap((id) => (ITEMS[id] ? [ITEMS[id]] : [])), total: 3n }),
  };
  const connectors: Record<string, string> = {
    'types.thrift': readFileSync(path.join(FIXTURES, 'types.thrift'), 'utf8'),
    'common.thrift': readFileSync(path.join(FIXTURES, 'common.thrift'), 'utf8'),
  };
  for (const wire of WIRES) {
    const upstream = await startThriftUpstream({ idl: path.join(FIXTURES, 'types.thrift'), service: 'TypesService', handlers, protocol: wire.protocol, framing: wire.framing });
    upstreams.set(wire.name, upstream);
    connectors[`${wire.name}.yaml`] = CONNECTOR(wire.name, upstream.address, wire.protocol, wire.framing);
  }
  config = await writeConfigDir({ schemas: { 'types.graphql': SCHEMA }, connectors });
  gw = await startGateway({ configDir: config.dir });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([...upstreams.values()].map((u) => u.close()));
  await config?.remove();
});

beforeEach(() => {
  for (const upstream of upstreams.values()) upstream.calls.length = 0;
});

const binaryFramed = (): ThriftUpstream => upstreams.get('binaryFramed')!;

describe('a batched Thrift operation: keys go into a list<> argument, answers match by key', () => {
  test.for(WIRES)('$protocol protocol, $framing: five keys with maxSize 2 make exactly the calls [[1,2],[3,4],[5]]; unknown keys are null with an error', async (wire) => {
    const { body } = await gw.query(`{ ${wire.name}(ids: ["1", "2", "3", "4", "5"]) { id name color } }`);
    const upstream = upstreams.get(wire.name)!;
    expect(upstream.calls.map((c) => [c.method, c.args.ids, c.args.region])).toEqual([
      ['getItems', ['1', '2'], 'eu'],
      ['getItems', ['3', '4'], 'eu'],
      ['getItems', ['5'], 'eu'],
    ]);
    expect(body.data).toEqual({
      [wire.name]: [{ id: '1', name: 'one', color: 'RED' }, { id: '2', name: 'two', color: 'GREEN' }, { id: '3', name: 'three', color: 'BLUE' }, null, null],
    });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code, e.message])).toEqual([
      [[wire.name, 3], 'UPSTREAM_ENTITY_NOT_FOUND', `Upstream ${wire.name}.getItems returned no item for key "4".`],
      [[wire.name, 4], 'UPSTREAM_ENTITY_NOT_FOUND', `Upstream ${wire.name}.getItems returned no item for key "5".`],
    ]);
  });

  test('the same key asked twice in one request is sent once', async () => {
    const { body } = await gw.query('{ a: item(id: "1") { name } b: item(id: "1") { name } c: item(id: "2") { name } }');
    expect(binaryFramed().calls.map((c) => c.args.ids)).toEqual([['1', '2']]);
    expect(body.data).toEqual({ a: { name: 'one' }, b: { name: 'one' }, c: { name: 'two' } });
  });

  test('keys into a set<> argument, items read at result: under a struct', async () => {
    const { body } = await gw.query('{ paged(ids: ["3", "1", "7"]) { id name } }');
    expect(binaryFramed().calls.map((c) => [c.method, c.args])).toEqual([['page', { ids: ['3', '1', '7'], limit: 10 }]]);
    expect(body.data).toEqual({ paged: [{ id: '3', name: 'three' }, { id: '1', name: 'one' }, null] });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['paged', 2], 'UPSTREAM_ENTITY_NOT_FOUND']]);
  });

  test('the response cache keys a Thrift call by its encoded message: the same call is answered from the cache, another region is not', async () => {
    const ask = (region: string) => gw.query(`{ cached(id: "1", region: "${region}") { name } }`);
    expect((await ask('eu')).body).toEqual({ data: { cached: { name: 'one' } } });
    expect((await ask('eu')).body).toEqual({ data: { cached: { name: 'one' } } });
    expect((await ask('us')).body).toEqual({ data: { cached: { name: 'one' } } });
    expect(binaryFramed().calls.map((c) => c.args.region)).toEqual(['eu', 'us']);
  });

  test('explain shows the Thrift calls as it shows HTTP ones: calls, batch sizes, cache hits', async () => {
    const dev = await startGateway({ configDir: config.dir, dev: true });
    try {
      const { body } = await dev.query('{ binaryFramed(ids: ["1", "2", "3"]) { id } }', undefined, { 'x-tessera-explain': '1' });
      expect((body.extensions?.tessera as { upstreamCalls: unknown }).upstreamCalls).toEqual({
        'binaryFramed.getItems': { calls: 2, batchSizes: [2, 1], failures: 0, retries: 0, cacheHits: 0, answer: 'list by id' },
      });
    } finally {
      await dev.close();
    }
  });

  test('both doors give the same body for a Thrift field, a missing key included', async () => {
    const query = '{ compactFramed(ids: ["2", "8"]) { id name color } }';
    const fast = await gw.queryVia('fast', query);
    const yoga = await gw.queryVia('yoga', query);
    expect(yoga.body).toEqual(fast.body);
    expect(fast.body.data).toEqual({ compactFramed: [{ id: '2', name: 'two', color: 'GREEN' }, null] });
  });

  test('connections persist: twenty requests one after another reuse one connection', async () => {
    const upstream = upstreams.get('compactBuffered')!;
    const before = upstream.connections();
    for (let i = 0; i < 20; i++) expect((await gw.query(`{ compactBuffered(ids: ["${(i % 3) + 1}"]) { id } }`)).body.errors).toBeUndefined();
    expect(upstream.calls.length).toBe(20);
    expect(upstream.connections() - before).toBeLessThanOrEqual(1);
  });

  test('concurrent calls open connections up to the pool size and no more (8 by default)', async () => {
    const upstream = upstreams.get('compactFramed')!;
    const before = upstream.connections();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => gw.query(`{ compactFramed(ids: ["${(i % 3) + 1}"]) { id } }`)));
    expect(answers.every((a) => a.body.errors === undefined)).toBe(true);
    expect(upstream.calls.length).toBe(30);
    expect(upstream.connections() - before).toBeLessThanOrEqual(8);
  });
});
