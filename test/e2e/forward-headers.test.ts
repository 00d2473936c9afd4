import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream, type RecordedCall } from '../support/fake-upstream.ts';
import { validateConfig } from '../../src/index.ts';
import type { PreparedDocument } from '../../src/plan/index.ts';
import type { GatewayResult } from '../../src/execute/create-executor.ts';

// accounts forwards three caller headers (one renamed); orders forwards none and sends its own token.
const ACCOUNTS_YAML = `baseUrl: \${ACCOUNTS_URL}
forwardHeaders:
  - Authorization
  - { from: x-tenant, to: x-tenant-id }
  - accept-language
operations:
  getAccounts:
    path: /accounts
    query: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id, acrossRequests: true }
    result: items
  getAccount:
    path: /accounts/{id}
    params: { id: ID! }
    cache: { ttlMs: 600000 }
`;
const ORDERS_YAML = `baseUrl: \${ORDERS_URL}
headers:
  Authorization: Bearer \${ORDERS_TOKEN}
operations:
  ordersByAccount:
    path: /orders
    query: { accountIds: "{keys}" }
    batch: { maxSize: 10, keyField: account_id, many: true }
    result: items
`;
const SCHEMA = `type Query {
  account(id: ID!): Account @source(connector: "accounts", operation: "getAccounts", key: "{args.id}")
  accountById(id: ID!): Account @source(connector: "accounts", operation: "getAccount", params: { id: "{args.id}" })
}
type Account {
  id: ID!
  name: String
  orders: [Order!]! @source(connector: "orders", operation: "ordersByAccount", key: "{parent.id}")
}
type Order { id: ID! }
`;

const CALLER_TOKEN = 'Bearer caller-secret-7f3a';
const ORDERS_TOKEN = 'orders-secret-91b2';

let accounts: FakeUpstream;
let orders: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let gw: TestGateway;

beforeAll(async () => {
  accounts = await startFakeUpstream((call, res) => {
    // Each answer names the tenant it was asked for, so a shared answer would show.
    const name = (id: string) => `A${id}@${call.headers['x-tenant-id'] ?? '-'}`;
    if (call.url.pathname !== '/accounts') return json(res, 200, { id: call.url.pathname.split('/').at(-1), name: name(call.url.pathname.split('/').at(-1)!) });
    const ids = (call.url.searchParams.get('ids') ?? '').split(',');
    if (ids.includes('500')) return json(res, 500, { error: 'down' });
    return json(res, 200, { items: ids.map((id) => ({ id, name: name(id) })) });
  });
  orders = await startFakeUpstream((call, res) => {
    const ids = (call.url.searchParams.get('accountIds') ?? '').split(',');
    json(res, 200, { items: ids.map((id) => ({ id: `o${id}`, account_id: id })) });
  });
  config = await writeConfigDir({ schemas: { 'api.graphql': SCHEMA }, connectors: { 'accounts.yaml': ACCOUNTS_YAML, 'orders.yaml': ORDERS_YAML } });
  // Pooling whatever the event loop's load, so requests started together always pool.
  gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: accounts.url, ORDERS_URL: orders.url, ORDERS_TOKEN }, batchAcrossRequestsAbove: 0 });
});

afterEach(() => {
  accounts.calls.length = 0;
  orders.calls.length = 0;
});

afterAll(async () => {
  await gw.close();
  await accounts.close();
  await orders.close();
  await config.remove();
});

/** The headers of a recorded call that the test is about: undici's own (host, connection, …) left out. */
function headersOf(call: RecordedCall): Record<string, string | undefined> {
  const h = call.headers;
  const pick = ['authorization', 'x-tenant-id', 'x-tenant', 'accept-language', 'cookie', 'x-secret', 'x-request-id', 'proxy-authorization'];
  return Object.fromEntries(pick.filter((name) => h[name] !== undefined).map((name) => [name, h[name] as string]));
}

const CALLER_HEADERS = {
  authorization: CALLER_TOKEN,
  'x-tenant': 'acme',
  'accept-language': 'fr-CH',
  cookie: 'session=abc',
  'x-secret': 'never-forwarded',
  'proxy-authorization': 'Basic cHJveHk=',
  'x-request-id': 'req-fwd-1',
};
const QUERY = '{ account(id: "1") { id name orders { id } } }';

/** Sends QUERY through one door: the fast path (POST JSON) or graphql-yoga (GET). */
async function send(door: 'fast path' | 'yoga', headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const response =
    door === 'fast path'
      ? await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: QUERY }) })
      : await fetch(`${gw.url}/graphql?query=${encodeURIComponent(QUERY)}`, { headers: { accept: 'application/json', ...headers } });
  return { status: response.status, body: await response.json() };
}

describe('forwardHeaders through both doors', () => {
  test.for(['fast path', 'yoga'] as const)('allowed caller headers arrive (renamed where declared), others never do: %s', async (door) => {
    const result = await send(door, CALLER_HEADERS);
    expect(result).toEqual({ status: 200, body: { data: { account: { id: '1', name: 'A1@acme', orders: [{ id: 'o1' }] } } } });
    expect(accounts.calls.map(headersOf)).toEqual([{ authorization: CALLER_TOKEN, 'x-tenant-id': 'acme', 'accept-language': 'fr-CH', 'x-request-id': 'req-fwd-1' }]);
    // A connector without forwardHeaders gets none of the caller's headers, and its own credential.
    expect(orders.calls.map(headersOf)).toEqual([{ authorization: `Bearer ${ORDERS_TOKEN}`, 'x-request-id': 'req-fwd-1' }]);
  });

  test.for(['fast path', 'yoga'] as const)('a caller header that is absent is not sent at all: %s', async (door) => {
    await send(door, { 'x-request-id': 'req-fwd-2' });
    // fetch itself sends `accept-language: *`, so that one the caller did send.
    expect(accounts.calls.map(headersOf)).toEqual([{ 'accept-language': '*', 'x-request-id': 'req-fwd-2' }]);
  });

  test('a header the caller names in its Connection header is hop-by-hop and is not forwarded', async () => {
    // fetch may not set Connection, so this caller is node:http.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const body = JSON.stringify({ query: QUERY });
      const req = request(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'keep-alive, x-tenant', 'x-tenant': 'acme', authorization: CALLER_TOKEN, 'x-request-id': 'req-fwd-3' },
        agent: false,
      });
      req.on('response', (res) => res.resume().on('end', () => resolve(res.statusCode)));
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
    expect(accounts.calls.map(headersOf)).toEqual([{ authorization: CALLER_TOKEN, 'x-request-id': 'req-fwd-3' }]);
  });

  test('a failed upstream call is logged without the forwarded credential', async () => {
    const response = await gw.query('{ account(id: "500") { id } }', undefined, CALLER_HEADERS);
    expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_HTTP_ERROR']);
    // The first attempt and its two retries all carry the forwarded headers.
    const forwarded = { authorization: CALLER_TOKEN, 'x-tenant-id': 'acme', 'accept-language': 'fr-CH', 'x-request-id': 'req-fwd-1' };
    expect(accounts.calls.map(headersOf)).toEqual([forwarded, forwarded, forwarded]);
    const logged = JSON.stringify(gw.logs);
    expect(logged).toContain('upstream call failed');
    expect(logged).not.toContain('caller-secret');
    expect(logged).not.toContain(ORDERS_TOKEN);
  });
});

/**
 * Starts one execution per entry in the same synchronous loop (as batching-across-requests.test.ts
 * does): requests in one event-loop turn, deterministically, each with its own caller headers.
 */
function executeTogether(query: string, requests: { id: string; headers: Record<string, string> }[]): Promise<GatewayResult[]> {
  const executor = gw.gateway.executor;
  const prepared = executor.planCache.prepareText(query) as PreparedDocument;
  return Promise.all(
    requests.map((r, i) =>
      executor.execute({
        prepared,
        operationName: undefined,
        variables: { id: r.id },
        requestId: `r${i}`,
        explain: false,
        deadlineAt: performance.now() + 10_000,
        callerHeaders: r.headers,
      }),
    ),
  );
}

const tenant = (name: string, authorization = CALLER_TOKEN) => ({ authorization, 'x-tenant': name });
const callsOf = (upstream: FakeUpstream) =>
  upstream.calls.map((c) => ({ path: c.url.pathname, ids: c.url.searchParams.get('ids'), tenant: c.headers['x-tenant-id'], authorization: c.headers.authorization, requestId: c.headers['x-request-id'] }));

describe('different forwarded values never share a call', () => {
  test('pooled batches (batch.acrossRequests) are split by forwarded values; equal values still pool', async () => {
    const results = await executeTogether('query($id: ID!) { account(id: $id) { name } }', [
      { id: '1', headers: tenant('acme') },
      { id: '2', headers: tenant('globex') },
      { id: '3', headers: tenant('acme') },
      { id: '4', headers: tenant('acme', 'Bearer other') },
    ]);
    expect(results.map((r) => r.data)).toEqual([{ account: { name: 'A1@acme' } }, { account: { name: 'A2@globex' } }, { account: { name: 'A3@acme' } }, { account: { name: 'A4@acme' } }]);
    expect(callsOf(accounts)).toEqual([
      { path: '/accounts', ids: '1,3', tenant: 'acme', authorization: CALLER_TOKEN, requestId: 'r0' },
      { path: '/accounts', ids: '2', tenant: 'globex', authorization: CALLER_TOKEN, requestId: 'r1' },
      { path: '/accounts', ids: '4', tenant: 'acme', authorization: 'Bearer other', requestId: 'r3' },
    ]);
  });

  test('an absent header and an empty one are different values', async () => {
    await executeTogether('query($id: ID!) { account(id: $id) { name } }', [
      { id: '1', headers: {} },
      { id: '2', headers: { 'x-tenant': '' } },
    ]);
    expect(callsOf(accounts).map((c) => [c.ids, c.tenant])).toEqual([
      ['1', undefined],
      ['2', ''],
    ]);
  });

  test('identical calls in flight are coalesced only when their forwarded values match', async () => {
    // All three reach the cache in the same turn, before any answer can arrive: the first two are in flight.
    const results = await executeTogether('query($id: ID!) { accountById(id: $id) { name } }', [
      { id: '7', headers: tenant('acme') },
      { id: '7', headers: tenant('globex') },
      { id: '7', headers: tenant('acme') },
    ]);
    expect(results.map((r) => r.data)).toEqual([{ accountById: { name: 'A7@acme' } }, { accountById: { name: 'A7@globex' } }, { accountById: { name: 'A7@acme' } }]);
    expect(callsOf(accounts).map((c) => [c.path, c.tenant, c.requestId])).toEqual([
      ['/accounts/7', 'acme', 'r0'],
      ['/accounts/7', 'globex', 'r1'],
    ]);
  });

  test('the response cache keys on forwarded values: another tenant or token misses, the same one hits (over HTTP)', async () => {
    const one = async (headers: Record<string, string>) => (await gw.query('{ accountById(id: "8") { name } }', undefined, headers)).body.data;
    expect(await one(tenant('acme'))).toEqual({ accountById: { name: 'A8@acme' } });
    expect(await one(tenant('globex'))).toEqual({ accountById: { name: 'A8@globex' } });
    expect(await one(tenant('acme', 'Bearer other'))).toEqual({ accountById: { name: 'A8@acme' } });
    expect(await one(tenant('acme'))).toEqual({ accountById: { name: 'A8@acme' } });
    expect(await one(tenant('globex'))).toEqual({ accountById: { name: 'A8@globex' } });
    expect(callsOf(accounts).map((c) => [c.tenant, c.authorization])).toEqual([
      ['acme', CALLER_TOKEN],
      ['globex', CALLER_TOKEN],
      ['acme', 'Bearer other'],
    ]);
  });
});

describe('static upstream credentials from the environment', () => {
  test('a missing variable is a config error at its value; a default makes it optional', async () => {
    const report = await validateConfig({ configDir: config.dir, env: { ACCOUNTS_URL: 'http://127.0.0.1:1', ORDERS_URL: 'http://127.0.0.1:1' } });
    expect(report.errors.map((e) => ({ code: e.code, file: e.source?.file.split('/').slice(-2).join('/'), line: e.source?.line, column: e.source?.column }))).toEqual([
      { code: 'CONFIG_UNDEFINED_ENV', file: 'connectors/orders.yaml', line: 3, column: 18 },
    ]);
  });
});
