import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import type { FakeUpstream } from '../support/fake-upstream.ts';
import { NO_ACCOUNT, startShapesUpstream } from '../support/shapes-upstream.ts';
import type { PreparedDocument } from '../../src/plan/index.ts';

/**
 * One public schema bound through every batch-answer layout the shapes upstream speaks: flat
 * lists, grouped answers, keyed maps under an envelope, POST bodies and composite keys. For 50
 * customers with their orders and account, every layout must cost the ideal 3 upstream calls
 * and answer byte for byte what the flat layout answers.
 */
const CRM_GET = `
baseUrl: \${SHAPES_URL}
operations:
  getCustomers:
    path: /customers
    query: { ids: "{keys}" }
    batch: { maxSize: 100, keyField: id }
    result: items
`;
const CRM_POST = `
baseUrl: \${SHAPES_URL}
operations:
  getCustomers:
    method: POST
    path: /customers:batchGet
    body: { ids: "{keys}", fields: "{fields}" }
    batch: { maxSize: 100, keyField: id }
    result: customers
`;

interface Row {
  name: string;
  crm: string;
  /** The orders connector's two operations, `ordersOf` (many per key) and `accountOf` (one per key). */
  orders: (extra: string) => string;
  composite: boolean;
  /** How the explain header names each layout. */
  labels: { ordersOf: string; accountOf: string };
}

const ordersYaml = (ordersOf: string, accountOf: string) => `
baseUrl: \${SHAPES_URL}
operations:
  ordersOf:
${ordersOf}
    params: { limit: Int }
  accountOf:
${accountOf}
`;
const get = (path: string, query: string, batch: string, result?: string) =>
  `    path: ${path}\n    query: { ${query} }\n    batch: { maxSize: 100, ${batch} }${result ? `\n    result: ${result}` : ''}`;
const post = (path: string, body: string, batch: string, result?: string) =>
  `    method: POST\n    path: ${path}\n    body: { ${body} }\n    batch: { maxSize: 100, ${batch} }${result ? `\n    result: ${result}` : ''}`;
const IDS = 'customerIds: "{keys}"';
const PAIRS = 'keys: "{keys}"';
const COMPOSITE = 'keyFields: [tenantId, customerId]';

const ROWS: Row[] = [
  {
    name: 'flat list (keyField, many)',
    crm: CRM_GET,
    orders: (x) => ordersYaml(get('/orders/flat', `${IDS}, limit: "{limit}"`, `keyField: customerId, many: true${x}`, 'items'), get('/accounts/flat', IDS, 'keyField: customerId', 'items')),
    composite: false,
    labels: { ordersOf: 'list by customerId (many per key)', accountOf: 'list by customerId' },
  },
  {
    name: 'grouped: [{ customerId, orders: [...] }] and [{ customerId, account: {...} }]',
    crm: CRM_GET,
    orders: (x) =>
      ordersYaml(
        get('/orders/grouped', `${IDS}, limit: "{limit}"`, `many: true, answer: { kind: grouped, keyPath: customerId, valuePath: orders }${x}`),
        get('/accounts/grouped', IDS, 'answer: { kind: grouped, keyPath: customerId, valuePath: account }'),
      ),
    composite: false,
    labels: { ordersOf: 'grouped by customerId → orders (many per key)', accountOf: 'grouped by customerId → account' },
  },
  {
    name: 'keyed map under an envelope: { data: { items: { "1": ... } } }',
    crm: CRM_GET,
    orders: (x) =>
      ordersYaml(get('/orders/map', `${IDS}, limit: "{limit}"`, `many: true, answer: { kind: map }${x}`, 'data.items'), get('/accounts/map', IDS, 'answer: { kind: map }', 'data.items')),
    composite: false,
    labels: { ordersOf: 'map → entry (many per key)', accountOf: 'map → entry' },
  },
  {
    name: 'POST bodies: /customers:batchGet { ids, fields } and /orders:batchGet { customerIds }',
    crm: CRM_POST,
    orders: (x) =>
      ordersYaml(post('/orders:batchGet', `${IDS}, limit: "{limit}"`, `keyField: customerId, many: true${x}`, 'items'), post('/accounts:batchGet', IDS, 'keyField: customerId', 'items')),
    composite: false,
    labels: { ordersOf: 'list by customerId (many per key)', accountOf: 'list by customerId' },
  },
  {
    name: 'composite keys as pairs: keys=t1:1,t2:2',
    crm: CRM_GET,
    orders: (x) =>
      ordersYaml(get('/t/orders/flat', `${PAIRS}, limit: "{limit}"`, `${COMPOSITE}, many: true${x}`, 'items'), get('/t/accounts/flat', PAIRS, COMPOSITE, 'items')),
    composite: true,
    labels: { ordersOf: 'list by (tenantId, customerId) (many per key)', accountOf: 'list by (tenantId, customerId)' },
  },
  {
    name: 'composite keys as repeated pairs: key=t1:1&key=t2:2',
    crm: CRM_GET,
    orders: (x) =>
      ordersYaml(
        get('/t/orders/flat', 'key: "{keys}", limit: "{limit}"', `${COMPOSITE}, keyStyle: repeat, many: true${x}`, 'items'),
        get('/t/accounts/flat', 'key: "{keys}"', `${COMPOSITE}, keyStyle: repeat`, 'items'),
      ),
    composite: true,
    labels: { ordersOf: 'list by (tenantId, customerId) (many per key)', accountOf: 'list by (tenantId, customerId)' },
  },
  {
    name: 'composite keys as a POST body of objects: { keys: [{ tenantId, customerId }] }',
    crm: CRM_POST,
    orders: (x) =>
      ordersYaml(post('/t/orders:batchGet', `${PAIRS}, limit: "{limit}"`, `${COMPOSITE}, many: true${x}`, 'items'), post('/t/accounts:batchGet', PAIRS, COMPOSITE, 'items')),
    composite: true,
    labels: { ordersOf: 'list by (tenantId, customerId) (many per key)', accountOf: 'list by (tenantId, customerId)' },
  },
  {
    name: 'composite keys, grouped: [{ tenantId, customerId, orders }]',
    crm: CRM_GET,
    orders: (x) =>
      ordersYaml(
        get('/t/orders/grouped', `${PAIRS}, limit: "{limit}"`, `${COMPOSITE}, many: true, answer: { kind: grouped, valuePath: orders }${x}`),
        get('/t/accounts/grouped', PAIRS, `${COMPOSITE}, answer: { kind: grouped, valuePath: account }`),
      ),
    composite: true,
    labels: { ordersOf: 'grouped by (tenantId, customerId) → orders (many per key)', accountOf: 'grouped by (tenantId, customerId) → account' },
  },
  {
    name: 'composite keys, keyed map: { "t1:1": ... }',
    crm: CRM_GET,
    orders: (x) =>
      ordersYaml(
        get('/t/orders/map', `${PAIRS}, limit: "{limit}"`, `${COMPOSITE}, many: true, answer: { kind: map }${x}`, 'data.items'),
        get('/t/accounts/map', PAIRS, `${COMPOSITE}, answer: { kind: map }`, 'data.items'),
      ),
    composite: true,
    labels: { ordersOf: 'map by (tenantId, customerId) → entry (many per key)', accountOf: 'map by (tenantId, customerId) → entry' },
  },
];

const schema = (composite: boolean) => {
  const key = composite ? 'key: { tenantId: "{parent.tenantId}", customerId: "{parent.id}" }' : 'key: "{parent.id}"';
  return `
type Query {
  customers(ids: [ID!]!): [Customer] @source(connector: "crm", operation: "getCustomers", keys: "{args.ids}")
}
type Customer {
  id: ID!
  tenantId: String!
  name: String
  orders(limit: Int = 10): [Order!]! @source(connector: "orders", operation: "ordersOf", ${key}, params: { limit: "{args.limit}" })
  account: Account @source(connector: "orders", operation: "accountOf", ${key})
}
type Order { id: ID! total: Int }
type Account { plan: String }
`;
};

const QUERY = 'query ($ids: [ID!]!) { customers(ids: $ids) { id name orders(limit: 2) { id total } account { plan } } }';
/** 50 customers, all with an account. */
const FIFTY = Array.from({ length: 51 }, (_, i) => String(i + 1)).filter((id) => id !== NO_ACCOUNT);

let upstream: FakeUpstream;
const gateways = new Map<string, TestGateway>();
const configs: { remove(): Promise<void> }[] = [];

async function start(row: Row, extra = '', options: { batchAcrossRequestsAbove?: number } = {}): Promise<TestGateway> {
  const crm = extra ? row.crm.replace('keyField: id }', `keyField: id${extra} }`) : row.crm;
  const config = await writeConfigDir({ schemas: { 's.graphql': schema(row.composite) }, connectors: { 'crm.yaml': crm, 'orders.yaml': row.orders(extra) } });
  configs.push(config);
  return startGateway({ configDir: config.dir, env: { SHAPES_URL: upstream.url }, dev: true, ...options });
}

beforeAll(async () => {
  upstream = await startShapesUpstream();
  for (const row of ROWS) gateways.set(row.name, await start(row));
});
afterAll(async () => {
  for (const gw of gateways.values()) await gw.close();
  for (const config of configs) await config.remove();
  await upstream.close();
});

/** The raw answer text, as a caller receives it. */
async function rawAnswer(gw: TestGateway, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return response.text();
}

describe('batch answer shapes', () => {
  test.for(ROWS)('50 customers with orders and account cost the ideal 3 calls, answered byte for byte as the flat layout: $name', async (row) => {
    const flat = await rawAnswer(gateways.get(ROWS[0]!.name)!, QUERY, { ids: FIFTY });
    upstream.calls.length = 0;
    const text = await rawAnswer(gateways.get(row.name)!, QUERY, { ids: FIFTY });
    expect(text).toBe(flat);
    const body = JSON.parse(text) as { data: { customers: { orders: unknown[] }[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.customers).toHaveLength(50);
    // Customers 1 mod 4 have one order, 2 and 3 mod 4 two (limit 2), 0 mod 4 none: every kind of group is in the comparison.
    expect(body.data.customers.slice(0, 4).map((c) => c.orders.length)).toEqual([1, 2, 2, 0]);
    // One call per level and operation: customers, then orders and accounts.
    expect(upstream.calls.map((c) => c.url.pathname).sort()).toEqual(
      [row.crm === CRM_POST ? '/customers:batchGet' : '/customers', ...['orders', 'accounts'].map((r) => row.orders('').match(new RegExp(`path: (\\S*${r}\\S*)`))![1]!)].sort(),
    );
  });

  test.for(ROWS)('the keys go out in one call, in the form the endpoint takes: $name', async (row) => {
    upstream.calls.length = 0;
    await rawAnswer(gateways.get(row.name)!, QUERY, { ids: ['1', '2', '5'] });
    const ordersCall = upstream.calls.find((c) => c.url.pathname.includes('orders'))!;
    const sent = ordersCall.method === 'POST' ? (JSON.parse(ordersCall.body) as Record<string, unknown>) : Object.fromEntries([...ordersCall.url.searchParams.keys()].map((k) => [k, ordersCall.url.searchParams.getAll(k)]));
    const expected: Record<string, Record<string, unknown>> = {
      'composite keys as pairs: keys=t1:1,t2:2': { keys: ['t1:1,t2:2,t2:5'], limit: ['2'] },
      'composite keys as repeated pairs: key=t1:1&key=t2:2': { key: ['t1:1', 't2:2', 't2:5'], limit: ['2'] },
      'composite keys as a POST body of objects: { keys: [{ tenantId, customerId }] }': {
        keys: [{ tenantId: 't1', customerId: '1' }, { tenantId: 't2', customerId: '2' }, { tenantId: 't2', customerId: '5' }],
        limit: 2,
      },
    };
    const fallback = row.composite ? { keys: ['t1:1,t2:2,t2:5'], limit: ['2'] } : ordersCall.method === 'POST' ? { customerIds: ['1', '2', '5'], limit: 2 } : { customerIds: ['1,2,5'], limit: ['2'] };
    expect(sent).toEqual(expected[row.name] ?? fallback);
  });

  test.for(ROWS)('a key missing from the answer is null with UPSTREAM_ENTITY_NOT_FOUND; one-to-many keys get []: $name', async (row) => {
    const text = await rawAnswer(gateways.get(row.name)!, 'query ($ids: [ID!]!) { customers(ids: $ids) { id orders { id } account { plan } } }', { ids: ['12', NO_ACCOUNT] });
    const body = JSON.parse(text) as { data: unknown; errors: { message: string; path: unknown[]; extensions: { code: string } }[] };
    expect(body.data).toEqual({ customers: [{ id: '12', orders: [], account: { plan: 'free' } }, { id: NO_ACCOUNT, orders: [{ id: 'o-13-1' }], account: null }] });
    expect(body.errors.map((e) => [e.extensions.code, e.path])).toEqual([['UPSTREAM_ENTITY_NOT_FOUND', ['customers', 1, 'account']]]);
    if (row.labels.accountOf !== 'list by customerId') {
      expect(body.errors[0]!.message).toBe(`Upstream orders.accountOf returned no item for key "${row.composite ? 't1:13' : '13'}".`);
    }
  });

  test.for(ROWS)('the explain header names the layout each call was read in: $name', async (row) => {
    const text = await rawAnswer(gateways.get(row.name)!, QUERY, { ids: ['1', '2'] }, { 'x-tessera-explain': '1' });
    const tessera = (JSON.parse(text) as { extensions: { tessera: { upstreamCalls: Record<string, { answer: string; calls: number }>; plan: { stages: { fetches: { field: string; withKeysOf?: number }[] }[] } } } }).extensions.tessera;
    expect(Object.fromEntries(Object.entries(tessera.upstreamCalls).map(([id, s]) => [id, [s.calls, s.answer]]))).toEqual({
      'crm.getCustomers': [1, 'list by id'],
      'orders.ordersOf': [1, row.labels.ordersOf],
      'orders.accountOf': [1, row.labels.accountOf],
    });
    // Keyed by the customers' own key field, orders and accounts go out with the customers (key prefetch), whatever their layout; composite keys wait for them.
    const withKeysOf = tessera.plan.stages.flatMap((s) => s.fetches).filter((f) => f.withKeysOf !== undefined).map((f) => f.field);
    expect(withKeysOf).toEqual(row.composite ? [] : ['Customer.orders', 'Customer.account']);
  });

  test('POST /customers:batchGet { ids, fields } is split at maxSize, each call with the same fields, and matched by key', async () => {
    const row = ROWS.find((r) => r.crm === CRM_POST)!;
    const config = await writeConfigDir({
      schemas: { 's.graphql': schema(false) },
      connectors: { 'crm.yaml': CRM_POST.replace('maxSize: 100', 'maxSize: 20'), 'orders.yaml': row.orders('') },
    });
    configs.push(config);
    const gw = await startGateway({ configDir: config.dir, env: { SHAPES_URL: upstream.url } });
    gateways.set('POST split', gw);
    const flat = await rawAnswer(gateways.get(ROWS[0]!.name)!, QUERY, { ids: FIFTY });
    upstream.calls.length = 0;
    expect(await rawAnswer(gw, QUERY, { ids: FIFTY })).toBe(flat);
    const crmBodies = upstream.calls.filter((c) => c.url.pathname === '/customers:batchGet').map((c) => JSON.parse(c.body) as { ids: string[]; fields: string[] });
    expect(crmBodies.map((b) => b.ids)).toEqual([FIFTY.slice(0, 20), FIFTY.slice(20, 40), FIFTY.slice(40)]);
    expect(crmBodies.map((b) => b.fields)).toEqual([['id', 'name'], ['id', 'name'], ['id', 'name']]);
  });

  test('an answer not laid out as declared fails the call with UPSTREAM_BAD_RESPONSE, costing only its fields', async () => {
    // Both operations point at /customers, which answers { items: [...] }: no list of groups at the top, no object at items.
    const orders = ordersYaml(get('/customers', 'ids: "{keys}"', 'many: true, answer: { kind: grouped, keyPath: id, valuePath: orders }'), get('/customers', 'ids: "{keys}"', 'answer: { kind: map }', 'items'));
    const config = await writeConfigDir({ schemas: { 's.graphql': schema(false) }, connectors: { 'crm.yaml': CRM_GET, 'orders.yaml': orders } });
    configs.push(config);
    const gw = await startGateway({ configDir: config.dir, env: { SHAPES_URL: upstream.url } });
    gateways.set('bad layout', gw);
    const { body } = await gw.query('{ customers(ids: ["1", "2"]) { id account { plan } } }');
    expect(body.data).toEqual({ customers: [{ id: '1', account: null }, { id: '2', account: null }] });
    expect(body.errors!.map((e) => [e.extensions!.code, e.message, e.path])).toEqual([
      ['UPSTREAM_BAD_RESPONSE', 'Upstream orders.accountOf answered without an object keyed by the keys.', ['customers', 0, 'account']],
      ['UPSTREAM_BAD_RESPONSE', 'Upstream orders.accountOf answered without an object keyed by the keys.', ['customers', 1, 'account']],
    ]);
    const grouped = await gw.query('{ customers(ids: ["1"]) { id orders { id } } }');
    expect(grouped.body.errors!.map((e) => [e.extensions!.code, e.message])).toEqual([['UPSTREAM_BAD_RESPONSE', 'Upstream orders.ordersOf answered without a list of groups.']]);
  });

  test.for(ROWS.filter((row) => ['grouped', 'composite keys, keyed map'].some((p) => row.name.startsWith(p))))(
    'batch.acrossRequests pools concurrent requests’ keys into one call: $name',
    async (row) => {
      // The customers pool too, so that every request's orders keys are known in the same turn, key prefetch or not.
      const gw = await start(row, ', acrossRequests: true', { batchAcrossRequestsAbove: 0 });
      gateways.set(`${row.name} pooled`, gw);
      const executor = gw.gateway.executor;
      const prepared = executor.planCache.prepareText(QUERY) as PreparedDocument;
      const solo = await Promise.all([['1', '2'], ['3'], ['2', '4']].map((ids) => rawAnswer(gateways.get(ROWS[0]!.name)!, QUERY, { ids })));
      upstream.calls.length = 0;
      const results = await Promise.all(
        [['1', '2'], ['3'], ['2', '4']].map((ids, i) =>
          executor.execute({ prepared, operationName: undefined, variables: { ids }, requestId: `r${i}`, explain: false, deadlineAt: performance.now() + 10_000 }),
        ),
      );
      results.forEach((result, i) => expect(JSON.stringify({ data: result.data })).toBe(solo[i]));
      const ordersCalls = upstream.calls.filter((c) => c.url.pathname.includes('orders'));
      expect(ordersCalls.map((c) => (c.url.searchParams.get('customerIds') ?? c.url.searchParams.get('keys'))!.split(','))).toEqual([
        row.composite ? ['t1:1', 't2:2', 't0:3', 't1:4'] : ['1', '2', '3', '4'],
      ]);
    },
  );
});
