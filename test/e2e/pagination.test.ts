import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import type { OperationDefinitionNode } from 'graphql';
import { validateConfig } from '../../src/index.ts';
import { PlanCache, printPlan } from '../../src/plan/index.ts';

const page = (style: string, extra: string, at = style) => `
    path: /orders/${at}
    query: { customerId: "{customerId}" }
    params: { customerId: ID!, limit: Int }
    result: items
    pagination: { style: ${style}, sizeParam: size, pageSize: 100, limitParam: limit, ${extra} }`;

const ORDERS_YAML = `
baseUrl: \${ORDERS_URL}
retry: { maxRetries: 0 }
operations:
  byCursor:${page('cursor', 'cursorPath: paging.next, maxPages: 5')}
  byCursorCapped:${page('cursor', 'cursorPath: paging.next, maxPages: 2')}
  byPage:${page('page', 'pageParam: p, maxPages: 5')}
  byOffset:${page('offset', 'maxPages: 5')}
  wrapped:${page('cursor', 'cursorPath: next, cursorParam: cursor, maxPages: 5', 'wrapped')}
    envelope: { failWhen: "body.code != 0", data: data, code: code }
`;

const SCHEMA = `
type Query {
  byCursor(customerId: ID!, limit: Int): [Order!] @source(connector: "orders", operation: "byCursor", params: { customerId: "{args.customerId}", limit: "{args.limit}" })
  byCursorCapped(customerId: ID!, limit: Int): [Order!] @source(connector: "orders", operation: "byCursorCapped", params: { customerId: "{args.customerId}", limit: "{args.limit}" })
  byPage(customerId: ID!, limit: Int): [Order!] @source(connector: "orders", operation: "byPage", params: { customerId: "{args.customerId}", limit: "{args.limit}" })
  byOffset(customerId: ID!, limit: Int): [Order!] @source(connector: "orders", operation: "byOffset", params: { customerId: "{args.customerId}", limit: "{args.limit}" })
  wrapped(customerId: ID!, limit: Int): [Order!] @source(connector: "orders", operation: "wrapped", params: { customerId: "{args.customerId}", limit: "{args.limit}" })
}
type Order { id: ID! }
`;

/** Orders per customer; "broken" answers its second page with HTTP 500. */
const COUNTS: Record<string, number> = { '7': 1000, '8': 50, '9': 250, broken: 1000 };

let orders: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let gw: TestGateway;

beforeAll(async () => {
  orders = await startFakeUpstream((call, res) => {
    const q = call.url.searchParams;
    const customerId = q.get('customerId')!;
    const size = Number(q.get('size'));
    const style = call.url.pathname.split('/')[2];
    // Cursors are opaque to the gateway: here "after:<offset>", which must arrive percent-encoded.
    const offset = style === 'cursor' || style === 'wrapped' ? Number((q.get('cursor') ?? 'after:0').slice('after:'.length)) : style === 'page' ? (Number(q.get('p')) - 1) * size : Number(q.get('offset'));
    if (customerId === 'broken' && offset > 0) return json(res, 500, { error: 'page 2 is gone' });
    const total = COUNTS[customerId] ?? 0;
    const items = Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, i) => ({ id: `o${offset + i + 1}` }));
    const next = offset + size < total ? `after:${offset + size}` : null;
    // "wrapped": an internal service's { code, data } envelope around each page; customer 9's third page is refused.
    if (style === 'wrapped') return json(res, 200, customerId === '9' && offset === 200 ? { code: 1001, data: null } : { code: 0, data: { items, next } });
    json(res, 200, style === 'cursor' ? { items, paging: { next } } : { items });
  });
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'orders.yaml': ORDERS_YAML } });
  gw = await startGateway({ configDir: config.dir, env: { ORDERS_URL: orders.url }, dev: true });
});

afterEach(() => {
  orders.calls.length = 0;
});

afterAll(async () => {
  await gw.close();
  await orders.close();
  await config.remove();
});

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `o${from + i}`);

describe('pagination: pages are followed up to the items a field needs, never past maxPages', () => {
  test.for([
    {
      name: 'cursor: limit 250 over 100-item pages makes exactly 3 calls',
      field: 'byCursor(customerId: "7", limit: 250)',
      calls: ['/orders/cursor?customerId=7&size=100', '/orders/cursor?customerId=7&size=100&cursor=after%3A100', '/orders/cursor?customerId=7&size=100&cursor=after%3A200'],
      items: ids(1, 250),
      maxPagesReached: undefined,
    },
    {
      name: 'cursor: no next cursor on the first page makes 1 call',
      field: 'byCursor(customerId: "8", limit: 250)',
      calls: ['/orders/cursor?customerId=8&size=100'],
      items: ids(1, 50),
      maxPagesReached: undefined,
    },
    {
      name: 'cursor: a limit one page holds makes 1 call',
      field: 'byCursor(customerId: "7", limit: 100)',
      calls: ['/orders/cursor?customerId=7&size=100'],
      items: ids(1, 100),
      maxPagesReached: undefined,
    },
    {
      name: 'cursor: without a limit, every page until the last',
      field: 'byCursor(customerId: "9")',
      calls: ['/orders/cursor?customerId=9&size=100', '/orders/cursor?customerId=9&size=100&cursor=after%3A100', '/orders/cursor?customerId=9&size=100&cursor=after%3A200'],
      items: ids(1, 250),
      maxPagesReached: undefined,
    },
    {
      name: 'cursor: maxPages 2 makes 2 calls and says so, without an error',
      field: 'byCursorCapped(customerId: "7", limit: 250)',
      calls: ['/orders/cursor?customerId=7&size=100', '/orders/cursor?customerId=7&size=100&cursor=after%3A100'],
      items: ids(1, 200),
      maxPagesReached: 1,
    },
    {
      name: 'page: limit 250 makes 3 calls, pages 1 to 3',
      field: 'byPage(customerId: "7", limit: 250)',
      calls: ['/orders/page?customerId=7&size=100&p=1', '/orders/page?customerId=7&size=100&p=2', '/orders/page?customerId=7&size=100&p=3'],
      items: ids(1, 250),
      maxPagesReached: undefined,
    },
    {
      name: 'page: a short page is the last one',
      field: 'byPage(customerId: "9", limit: 1000)',
      calls: ['/orders/page?customerId=9&size=100&p=1', '/orders/page?customerId=9&size=100&p=2', '/orders/page?customerId=9&size=100&p=3'],
      items: ids(1, 250),
      maxPagesReached: undefined,
    },
    {
      name: 'offset: limit 150 makes 2 calls',
      field: 'byOffset(customerId: "7", limit: 150)',
      calls: ['/orders/offset?customerId=7&size=100&offset=0', '/orders/offset?customerId=7&size=100&offset=100'],
      items: ids(1, 150),
      maxPagesReached: undefined,
    },
    {
      name: 'offset: maxPages 5 caps a list of 1000',
      field: 'byOffset(customerId: "7", limit: 1000)',
      calls: [0, 100, 200, 300, 400].map((o) => `/orders/offset?customerId=7&size=100&offset=${o}`),
      items: ids(1, 500),
      maxPagesReached: 1,
    },
    {
      name: 'an envelope: each page\'s data holds its items and the next cursor',
      field: 'wrapped(customerId: "7", limit: 150)',
      calls: ['/orders/wrapped?customerId=7&size=100', '/orders/wrapped?customerId=7&size=100&cursor=after%3A100'],
      items: ids(1, 150),
      maxPagesReached: undefined,
    },
    {
      name: 'limit 0 needs no call',
      field: 'byCursor(customerId: "7", limit: 0)',
      calls: [],
      items: [],
      maxPagesReached: undefined,
    },
  ])('$name', async ({ field, calls, items, maxPagesReached }) => {
    const response = await gw.query(`{ list: ${field} { id } }`, undefined, { 'x-tessera-explain': '1' });
    expect(response.body.errors).toBeUndefined();
    expect((response.body.data!.list as { id: string }[]).map((o) => o.id)).toEqual(items);
    expect(orders.calls.map((c) => c.rawPath)).toEqual(calls);
    const stats = Object.values((response.body.extensions!.tessera as { upstreamCalls: Record<string, { calls: number; maxPagesReached?: number }> }).upstreamCalls);
    expect(stats.map((s) => [s.calls, s.maxPagesReached])).toEqual(calls.length ? [[calls.length, maxPagesReached]] : []);
  });

  test('a page that fails fails the field, with the partial answer elsewhere', async () => {
    const response = await gw.query('{ list: byCursor(customerId: "broken", limit: 250) { id } other: byCursor(customerId: "8", limit: 1) { id } }');
    expect(response.body).toEqual({
      // A dev gateway: the message ends with the diagnosis of the failed page's call.
      errors: [
        {
          message: expect.stringMatching(/^Upstream orders\.byCursor answered HTTP 500\. GET http:\/\/127\.0\.0\.1:\d+\/orders\/cursor\. 1 attempt, \d+ ms \(retry\.maxRetries is 0\)\.$/),
          path: ['list'],
          locations: [{ line: 1, column: 3 }],
          extensions: {
            code: 'UPSTREAM_HTTP_ERROR',
            connector: 'orders',
            operation: 'byCursor',
            status: 500,
            diagnosis: { method: 'GET', url: `${orders.url}/orders/cursor`, status: 500, attempts: 1, elapsedMs: expect.any(Number) },
          },
        },
      ],
      data: { list: null, other: [{ id: 'o1' }] },
    });
  });

  test('a page whose body says it failed fails the field, after the pages before it', async () => {
    const response = await gw.query('{ wrapped(customerId: "9", limit: 300) { id } }');
    expect(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.upstreamCode])).toEqual([['UPSTREAM_BODY_ERROR', 1001]]);
    expect(orders.calls).toHaveLength(3);
  });

  test('explain shows how a paged list is followed', async () => {
    const response = await gw.query('{ byCursorCapped(customerId: "8", limit: 250) { id } }', undefined, { 'x-tessera-explain': '1' });
    const plan = (response.body.extensions!.tessera as { plan: { stages: { fetches: { pagination?: unknown }[] }[] } }).plan;
    expect(plan.stages[0]!.fetches[0]!.pagination).toEqual({ style: 'cursor', maxPages: 2, limitParam: 'limit' });
  });

  test('tessera explain prints how a paged list is followed', async () => {
    const { blueprint } = await validateConfig({ configDir: config.dir, env: { ORDERS_URL: orders.url } });
    const cache = new PlanCache(blueprint!);
    const prepared = cache.prepareText('{ byCursor(customerId: "7", limit: 250) { id } }');
    if ('errors' in prepared) throw new Error('the query is valid');
    const plan = cache.plan(prepared, cache.selectOperation(prepared, undefined) as OperationDefinitionNode, {});
    expect(printPlan(plan).split('\n').slice(2)).toEqual([
      '  #1 orders.byCursor  ← Query.byCursor at byCursor',
      '      one call per distinct params; params customerId={args.customerId}, limit={args.limit}',
      '      follows cursor pages until limit items or the last page, at most 5 calls',
    ]);
  });

  test('the access log shows the capped list', async () => {
    const before = gw.logs.length;
    await gw.query('{ byCursorCapped(customerId: "7", limit: 250) { id } }');
    const access = gw.logs.slice(before).find((l) => l.msg === 'request completed')!;
    expect(access.upstreamCalls).toEqual({ 'orders.byCursorCapped': { calls: 2, batchSizes: [], failures: 0, retries: 0, cacheHits: 0, maxPagesReached: 1 } });
  });
});
