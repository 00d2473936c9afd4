import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type GraphQLResponse, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { COALESCED_CHANNEL } from '../../src/resilience/index.ts';
import { InFlightGate } from '../support/in-flight-gate.ts';

const ORDERS_YAML = `
baseUrl: \${ORDERS_URL}
operations:
  ordersByCustomer:
    path: /orders
    query: { customerId: "{customerId}" }
    headers: { x-tenant: "{tenant}" }
    params: { customerId: ID!, tenant: String }
    result: items
  ordersUncoalesced:
    path: /orders
    query: { customerId: "{customerId}" }
    params: { customerId: ID! }
    coalesce: false
    result: items
`;

const SCHEMA = `
type Query {
  orders(customerId: ID!, tenant: String): [Order!] @source(connector: "orders", operation: "ordersByCustomer", params: { customerId: "{args.customerId}", tenant: "{args.tenant}" })
  ordersUncoalesced(customerId: ID!): [Order!] @source(connector: "orders", operation: "ordersUncoalesced", params: { customerId: "{args.customerId}" })
}
type Order { id: ID! customerId: ID! }
`;

let orders: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let gw: TestGateway;
/** Answers are held until every request of a burst is in flight together. */
const gate = new InFlightGate();
const onJoin = () => gate.join();

beforeAll(async () => {
  orders = await startFakeUpstream((call, res) => {
    gate.call();
    const customerId = call.url.searchParams.get('customerId')!;
    void gate.opened.then(() => json(res, 200, { items: [{ id: `o-${customerId}-${String(call.headers['x-tenant'] ?? 'none')}`, customerId }] }));
  });
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'orders.yaml': ORDERS_YAML } });
  gw = await startGateway({ configDir: config.dir, env: { ORDERS_URL: orders.url }, dev: true });
  subscribe(COALESCED_CHANNEL, onJoin);
});

afterEach(() => {
  orders.calls.length = 0;
});

afterAll(async () => {
  unsubscribe(COALESCED_CHANNEL, onJoin);
  await gw.close();
  await orders.close();
  await config.remove();
});

interface Sent {
  query: string;
  headers?: Record<string, string>;
}

/** Sends every request at once while the upstream holds its answers (the gate). */
async function burst(requests: Sent[], expected: { calls: number; joins: number }): Promise<GraphQLResponse[]> {
  gate.arm(expected);
  const sent = requests.map((r) => gw.query(r.query, undefined, { 'x-tessera-explain': '1', ...r.headers }));
  return Promise.all(sent);
}

const statsOf = (response: GraphQLResponse, op: string) => (response.body.extensions?.tessera as { upstreamCalls: Record<string, unknown> }).upstreamCalls[op];

describe('in-flight de-duplication (on by default for idempotent reads)', () => {
  test('50 concurrent requests for the same orders, through both doors, make one upstream call', async () => {
    // Half through the fast path, half through graphql-yoga (a response media type it alone serves).
    const requests = Array.from({ length: 50 }, (_, i): Sent => ({
      query: '{ orders(customerId: "7") { id customerId } }',
      headers: i % 2 === 0 ? {} : { accept: 'application/graphql-response+json' },
    }));
    const logsBefore = gw.logs.length;
    const responses = await burst(requests, { calls: 1, joins: 49 });

    expect(orders.calls.map((c) => c.rawPath)).toEqual(['/orders?customerId=7']);
    for (const r of responses) expect(r.body.data).toEqual({ orders: [{ id: 'o-7-none', customerId: '7' }] });
    // Each request counts the call it waited for; 49 of them joined one already in flight.
    const stats = responses.map((r) => statsOf(r, 'orders.ordersByCustomer'));
    expect(stats.filter((s) => (s as { coalesced?: number }).coalesced === 1)).toHaveLength(49);
    expect(stats).toContainEqual({ calls: 1, batchSizes: [], failures: 0, retries: 0, cacheHits: 0 });
    expect(stats).toContainEqual({ calls: 1, batchSizes: [], failures: 0, retries: 0, cacheHits: 0, coalesced: 1 });
    // The access log says the same, per request.
    const access = gw.logs.slice(logsBefore).filter((l) => l.msg === 'request completed');
    expect(access).toHaveLength(50);
    const logged = access.map((l) => (l.upstreamCalls as Record<string, { coalesced?: number }>)['orders.ordersByCustomer']!.coalesced ?? 0);
    expect(logged.reduce((a, b) => a + b, 0)).toBe(49);
    // The plan in the explain header says the fetch coalesces, whether or not a call was joined.
    const plan = (responses[0]!.body.extensions!.tessera as { plan: { stages: { fetches: { coalesce?: boolean }[] }[] } }).plan;
    expect(plan.stages[0]!.fetches[0]!.coalesce).toBe(true);
  });

  test.for([
    {
      name: 'a different param makes a separate call',
      requests: [{ query: '{ orders(customerId: "7") { id } }' }, { query: '{ orders(customerId: "8") { id } }' }],
      calls: ['/orders?customerId=7 none', '/orders?customerId=8 none'],
      ids: [['o-7-none'], ['o-8-none']],
    },
    {
      name: 'a different header value makes a separate call',
      requests: [{ query: '{ orders(customerId: "7", tenant: "a") { id } }' }, { query: '{ orders(customerId: "7", tenant: "b") { id } }' }],
      calls: ['/orders?customerId=7 a', '/orders?customerId=7 b'],
      ids: [['o-7-a'], ['o-7-b']],
    },
    {
      name: 'an operation with coalesce: false makes a call per request',
      requests: [{ query: '{ ordersUncoalesced(customerId: "7") { id } }' }, { query: '{ ordersUncoalesced(customerId: "7") { id } }' }],
      calls: ['/orders?customerId=7 none', '/orders?customerId=7 none'],
      ids: [['o-7-none'], ['o-7-none']],
    },
  ])('$name', async ({ requests, calls, ids }) => {
    const responses = await burst(requests, { calls: 2, joins: 0 });
    expect(orders.calls.map((c) => `${c.rawPath} ${String(c.headers['x-tenant'] ?? 'none')}`).sort()).toEqual(calls);
    expect(responses.map((r) => (Object.values(r.body.data!)[0] as { id: string }[]).map((o) => o.id))).toEqual(ids);
    expect(gate.joins).toBe(0);
  });
});
