import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type GraphQLResponse, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { callersYaml } from '../support/callers.ts';
import { COALESCED_CHANNEL } from '../../src/resilience/index.ts';
import { InFlightGate } from '../support/in-flight-gate.ts';

// No `coalesce:` anywhere: sharing identical calls in flight is the default for idempotent reads.
const CRM_YAML = `
baseUrl: \${CRM_URL}
operations:
  getCustomers:
    path: /customers
    query: { ids: "{keys}" }
    batch: { maxSize: 50, keyField: id, keyStyle: comma }
    result: items
  search:
    path: /search
    query: { q: "{q}" }
    params: { q: String! }
    result: items
  touch:
    method: POST
    path: /touch
    body: { id: "{id}" }
    params: { id: ID! }
    result: item
`;

const SCHEMA = `
type Query {
  customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomers", key: "{args.id}")
  search(q: String!): [Customer!] @source(connector: "crm", operation: "search", params: { q: "{args.q}" })
}
type Mutation {
  touch(id: ID!): Customer @source(connector: "crm", operation: "touch", params: { id: "{args.id}" })
}
type Customer { id: ID! email: String @mask(email: true, unmaskScope: "pii:read") }
`;

const CALLERS = callersYaml({
  callers: {
    agentA: { keys: ['key-a'], scopes: ['pii:read'] },
    agentB: { keys: ['key-b'], scopes: ['pii:read', 'other:scope'] },
    reports: { keys: ['key-r'], scopes: [] },
  },
});

let crm: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let gw: TestGateway;
/** Answers are held until every request of a burst has sent (or joined) its call. */
const gate = new InFlightGate();
const onJoin = () => gate.join();

beforeAll(async () => {
  crm = await startFakeUpstream((call, res) => {
    gate.call();
    const ids = call.url.searchParams.get('ids')?.split(',') ?? [call.url.searchParams.get('q') ?? 'posted'];
    void gate.opened.then(() => json(res, 200, call.method === 'POST' ? { item: { id: 'p', email: 'p@example.com' } } : { items: ids.map((id) => ({ id, email: `c${id}@example.com` })) }));
  });
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'crm.yaml': CRM_YAML } });
  await writeFile(path.join(config.dir, 'callers.yaml'), CALLERS);
  // Pooling across requests off: each request sends its own batch, so identical batches meet in flight.
  await writeFile(path.join(config.dir, 'gateway.yaml'), 'batching:\n  acrossRequests: false\n');
  gw = await startGateway({ configDir: config.dir, env: { CRM_URL: crm.url }, dev: true });
  subscribe(COALESCED_CHANNEL, onJoin);
});

afterEach(() => {
  crm.calls.length = 0;
});

afterAll(async () => {
  unsubscribe(COALESCED_CHANNEL, onJoin);
  await gw.close();
  await crm.close();
  await config.remove();
});

interface Sent {
  key: string;
  query: string;
  door: 'fast' | 'yoga';
}

/** Sends every request at once while the upstream holds its answers (the gate). */
async function burst(requests: Sent[], calls: number): Promise<GraphQLResponse[]> {
  gate.arm({ calls, joins: requests.length - calls });
  return Promise.all(requests.map((r) => gw.queryVia(r.door, r.query, undefined, { 'x-api-key': r.key, 'x-tessera-explain': '1' })));
}

const coalescedOf = (response: GraphQLResponse, op: string): number =>
  ((response.body.extensions?.tessera as { upstreamCalls: Record<string, { coalesced?: number }> }).upstreamCalls[op]?.coalesced ?? 0);

const both = (n: number, key: string, query: string): Sent[] => Array.from({ length: n }, (_, i) => ({ key, query, door: i % 2 === 0 ? 'fast' : 'yoga' }));

describe('identical upstream calls in flight are shared by default, batched or not, within one scope set', () => {
  test.for([
    {
      name: 'a batched call: 10 requests for the same customer, both doors, one caller',
      requests: both(10, 'key-a', '{ customer(id: "7") { id email } }'),
      calls: ['/customers?ids=7'],
      op: 'crm.getCustomers',
    },
    {
      name: 'an unbatched call: 10 searches for the same text from two callers with the same relevant scopes',
      requests: [...both(5, 'key-a', '{ search(q: "ann") { id email } }'), ...both(5, 'key-b', '{ search(q: "ann") { id email } }')],
      calls: ['/search?q=ann'],
      op: 'crm.search',
    },
    {
      name: 'callers whose scope sets differ never share a call: one call per scope set',
      requests: [...both(4, 'key-a', '{ customer(id: "8") { id email } }'), ...both(4, 'key-r', '{ customer(id: "8") { id email } }')],
      calls: ['/customers?ids=8', '/customers?ids=8'],
      op: 'crm.getCustomers',
    },
  ])('$name', async ({ requests, calls, op }) => {
    const responses = await burst(requests, calls.length);
    expect(crm.calls.map((c) => c.rawPath)).toEqual(calls);
    for (const [i, r] of responses.entries()) {
      expect(r.status).toBe(200);
      // The mask is lifted for pii:read holders only: a shared call never lends its answer's view.
      const email = requests[i]!.key === 'key-r' ? expect.stringMatching(/^c\*+@example\.com$/) : expect.stringMatching(/^c\w+@example\.com$/);
      const item = (Object.values(r.body.data!)[0] as { email: string } | { email: string }[]);
      for (const one of Array.isArray(item) ? item : [item]) expect(one.email).toEqual(email);
    }
    // Every request but the first of each call joined one in flight, and says so.
    expect(responses.map((r) => coalescedOf(r, op)).reduce((a, b) => a + b, 0)).toBe(requests.length - calls.length);
  });

  test('a mutation is never shared: two identical ones make two calls', async () => {
    const responses = await burst(both(2, 'key-a', 'mutation { touch(id: "1") { id } }'), 2);
    expect(crm.calls.map((c) => `${c.method} ${c.rawPath}`)).toEqual(['POST /touch', 'POST /touch']);
    expect(responses.map((r) => coalescedOf(r, 'crm.touch'))).toEqual([0, 0]);
  });
});
