import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startDemoUpstreams, type DemoServiceName, type DemoUpstreams } from '../../src/demo/upstreams.ts';
import { agentById, customerById, ordersOfCustomer, ticketsOfCustomer } from '../../src/demo/data.ts';

let upstreams: DemoUpstreams;
beforeAll(async () => {
  upstreams = await startDemoUpstreams();
});
afterAll(() => upstreams.close());

/** GETs `path` on one demo service and returns status, content-type and parsed body. */
async function get(service: DemoServiceName, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(upstreams.urls[service] + path, { headers });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as unknown };
}

const NOT_FOUND = { error: 'not found' };
const customer = (id: string) => customerById(id)!;

interface RouteCase {
  name: string;
  service: DemoServiceName;
  path: string;
  status: number;
  body: () => unknown;
}

const ROUTE_CASES: RouteCase[] = [
  { name: 'crm: one customer', service: 'crm', path: '/customers/42', status: 200, body: () => ({ customer: customer('42') }) },
  { name: 'crm: the last customer', service: 'crm', path: '/customers/10000', status: 200, body: () => ({ customer: customer('10000') }) },
  { name: 'crm: an id past the end', service: 'crm', path: '/customers/10001', status: 404, body: () => NOT_FOUND },
  { name: 'crm: a non-canonical id', service: 'crm', path: '/customers/01', status: 404, body: () => NOT_FOUND },
  { name: 'crm: a percent-encoded id is decoded', service: 'crm', path: '/customers/%34%32', status: 200, body: () => ({ customer: customer('42') }) },
  { name: 'crm: trimmed to requested fields (id kept)', service: 'crm', path: '/customers/7?fields=tier_code,points,nope', status: 200, body: () => ({ customer: { id: '7', tier_code: customer('7').tier_code, points: customer('7').points } }) },
  { name: 'crm: batch in ascending id order, unknown ids omitted', service: 'crm', path: '/customers?ids=30,2,99999,abc,2,7', status: 200, body: () => ({ items: [customer('2'), customer('7'), customer('30')] }) },
  { name: 'crm: batch with repeated ids=', service: 'crm', path: '/customers?ids=5&ids=4', status: 200, body: () => ({ items: [customer('4'), customer('5')] }) },
  { name: 'crm: batch trimmed to fields', service: 'crm', path: '/customers?ids=3,1&fields=full_name', status: 200, body: () => ({ items: [{ id: '1', full_name: 'Nia Wang' }, { id: '3', full_name: customer('3').full_name }] }) },
  { name: 'crm: batch of only unknown ids', service: 'crm', path: '/customers?ids=0,x', status: 200, body: () => ({ items: [] }) },
  { name: 'crm: batch without ids', service: 'crm', path: '/customers', status: 400, body: () => ({ error: 'missing query parameter: ids' }) },
  { name: 'orders: batched, newest `limit` per customer', service: 'orders', path: '/orders?customerIds=2,1&limit=2', status: 200, body: () => ({ items: [...ordersOfCustomer('1').slice(0, 2), ...ordersOfCustomer('2').slice(0, 2)] }) },
  { name: 'orders: batched without limit = all', service: 'orders', path: '/orders?customerIds=4,99999', status: 200, body: () => ({ items: ordersOfCustomer('4') }) },
  {
    name: 'orders: ?fields= trims each order (id always kept)',
    service: 'orders',
    path: '/orders?customerIds=1&limit=2&fields=total_cents,customer_id,nope',
    status: 200,
    body: () => ({ items: ordersOfCustomer('1').slice(0, 2).map((o) => ({ id: o.id, total_cents: o.total_cents, customer_id: o.customer_id })) }),
  },
  { name: "one customer's orders, trimmed", service: 'orders', path: '/customers/3/orders?limit=1&fields=status', status: 200, body: () => ({ items: ordersOfCustomer('3').slice(0, 1).map((o) => ({ id: o.id, status: o.status })) }) },
  { name: 'orders: limit=0', service: 'orders', path: '/orders?customerIds=4&limit=0', status: 200, body: () => ({ items: [] }) },
  { name: 'orders: malformed limit', service: 'orders', path: '/orders?customerIds=4&limit=-1', status: 400, body: () => ({ error: 'invalid limit: expected a non-negative integer, got "-1"' }) },
  { name: 'orders: batch without customerIds', service: 'orders', path: '/orders?limit=3', status: 400, body: () => ({ error: 'missing query parameter: customerIds' }) },
  { name: 'orders: one customer', service: 'orders', path: '/customers/3/orders?limit=3', status: 200, body: () => ({ items: ordersOfCustomer('3').slice(0, 3) }) },
  { name: 'orders: unknown customer', service: 'orders', path: '/customers/0/orders', status: 404, body: () => NOT_FOUND },
  { name: 'tickets: batched, status filter', service: 'tickets', path: '/tickets?customerIds=13,10,2&status=open', status: 200, body: () => ({ items: ['2', '10', '13'].flatMap((id) => ticketsOfCustomer(id, 'open')) }) },
  { name: 'tickets: batched, no filter', service: 'tickets', path: '/tickets?customerIds=1,2', status: 200, body: () => ({ items: [...ticketsOfCustomer('1'), ...ticketsOfCustomer('2')] }) },
  { name: 'tickets: one customer, filtered', service: 'tickets', path: '/customers/10/tickets?status=closed', status: 200, body: () => ({ items: ticketsOfCustomer('10', 'closed') }) },
  { name: 'tickets: unknown customer', service: 'tickets', path: '/customers/abc/tickets', status: 404, body: () => NOT_FOUND },
  { name: 'agents: one agent', service: 'agents', path: '/agents/a200', status: 200, body: () => ({ agent: agentById('a200') }) },
  { name: 'agents: unknown agent', service: 'agents', path: '/agents/a201', status: 404, body: () => NOT_FOUND },
  { name: 'agents: batch in ascending id order, unknown omitted', service: 'agents', path: '/agents?ids=a10,a2,a0,zz,a1', status: 200, body: () => ({ items: [agentById('a1'), agentById('a2'), agentById('a10')] }) },
  { name: 'unknown route', service: 'crm', path: '/admin', status: 404, body: () => NOT_FOUND },
  { name: "another service's route", service: 'crm', path: '/orders?customerIds=1', status: 404, body: () => NOT_FOUND },
  { name: 'trailing slash', service: 'agents', path: '/agents/', status: 404, body: () => NOT_FOUND },
];

describe('demo upstream routes', () => {
  test.for(ROUTE_CASES)('$name: GET $service $path → $status', async (row) => {
    const response = await get(row.service, row.path);
    expect(response).toEqual({ status: row.status, contentType: 'application/json', body: row.body() });
  });

  test('exact content of customer 1 and agent a1 (pinned, so the data never drifts between machines)', async () => {
    expect((await get('crm', '/customers/1')).body).toEqual({
      customer: {
        id: '1',
        full_name: 'Nia Wang',
        email: 'nia.wang1@example.com',
        phone: '+1-555-2692906',
        points: 45362,
        tier_code: 'bronze',
        status: 'active',
        created_at: '2017-12-31T12:41:07Z',
        birthday: '2000-09-15',
        gender: 'male',
        language: 'en',
        country: 'GB',
        vip: false,
        balance_cents: 67658,
        last_login_at: '2025-05-08T21:40:19Z',
        marketing_opt_in: true,
        address: { street: '928 Station Lane', city: 'London', zip: '20450', country_code: 'GB' },
        tags: [],
        note: null,
      },
    });
    expect((await get('agents', '/agents/a1')).body).toEqual({ agent: { id: 'a1', name: 'Jun Jones', team: 'escalations', email: 'jun.jones.a1@support.example.com' } });
    expect((await get('tickets', '/customers/1/tickets')).body).toEqual({
      items: [
        { id: 't-1-2', customer_id: '1', subject: 'Points missing after purchase', status: 'closed', priority: 'normal', created_at: '2025-05-11T22:15:03Z', agent_id: 'a164' },
        { id: 't-1-1', customer_id: '1', subject: 'Change delivery address', status: 'open', priority: 'normal', created_at: '2025-03-25T02:46:10Z', agent_id: 'a17' },
      ],
    });
    const orders = (await get('orders', '/orders?customerIds=1,2&limit=3')).body as { items: { id: string }[] };
    expect(orders.items.map((o) => o.id)).toEqual(['o-1-9', 'o-1-8', 'o-1-7', 'o-2-1']);
  });

  test.for([
    ['crm', '/customers/9876'],
    ['orders', '/orders?customerIds=9,8,7&limit=5'],
    ['tickets', '/tickets?customerIds=9,8,7'],
    ['agents', '/agents?ids=a5,a6'],
  ] as const)('determinism: %s %s answers the same bytes twice', async ([service, path]) => {
    const first = await (await fetch(upstreams.urls[service] + path)).text();
    const second = await (await fetch(upstreams.urls[service] + path)).text();
    expect(second).toBe(first);
  });
});

describe('request recording', () => {
  test('records every call: method, service, raw path, parsed query, x-* headers', async () => {
    upstreams.resetRequests();
    await get('crm', '/customers?ids=1,2&fields=email', { 'x-request-id': 'req-1', 'x-caller-id': 'billing', authorization: 'secret' });
    await get('tickets', '/tickets?customerIds=1&customerIds=2&status=open', { 'x-request-id': 'req-2' });
    await fetch(upstreams.urls.agents + '/agents/a1', { method: 'POST', body: 'ignored' });
    const time = expect.any(Number) as unknown as number;
    expect(upstreams.requests).toEqual([
      { method: 'GET', service: 'crm', path: '/customers', query: { ids: '1,2', fields: 'email' }, headers: { 'x-request-id': 'req-1', 'x-caller-id': 'billing' }, time },
      { method: 'GET', service: 'tickets', path: '/tickets', query: { customerIds: '1,2', status: 'open' }, headers: { 'x-request-id': 'req-2' }, time },
      { method: 'POST', service: 'agents', path: '/agents/a1', query: {}, headers: {}, time },
    ]);
    const held = upstreams.requests;
    upstreams.resetRequests();
    expect(held).toBe(upstreams.requests);
    expect(held).toEqual([]);
  });

  test('a non-GET method is not a route', async () => {
    const response = await fetch(upstreams.urls.agents + '/agents/a1', { method: 'DELETE' });
    expect([response.status, await response.json()]).toEqual([404, NOT_FOUND]);
  });
});

describe('hostile path ids', () => {
  test.for([
    // `..%2F..%2Fadmin` is one segment: decoded to the id "../../admin", which is simply unknown.
    { service: 'crm', path: '/customers/..%2F..%2Fadmin' },
    // Decoding before routing would turn this into /customers/1/orders and answer 200.
    { service: 'orders', path: '/customers/1%2Forders' },
    // Decoding before routing would make this /customers/1 and answer customer 1.
    { service: 'crm', path: '/customers/1%2F' },
    // Not valid percent-encoding: not found, not a crash.
    { service: 'crm', path: '/customers/%E0%A4%A' },
  ] as const)('$service $path is a 404 and arrives percent-encoded', async ({ service, path }) => {
    upstreams.resetRequests();
    expect(await get(service, path)).toEqual({ status: 404, contentType: 'application/json', body: NOT_FOUND });
    expect(upstreams.requests.map((r) => r.path)).toEqual([path]);
  });
});

describe('lifecycle', () => {
  test('delayMs holds every response until its timer has run that long, 404s included', async () => {
    const slow = await startDemoUpstreams({ delayMs: 50 });
    // Only setTimeout is faked: sockets and setImmediate stay real, so requests still flow.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    try {
      for (const [path, status] of [['/customers/1', 200], ['/nope', 404]] as const) {
        slow.resetRequests();
        let answered = false;
        const response = fetch(slow.urls.crm + path).then(async (r) => {
          await r.arrayBuffer();
          answered = true;
          return r.status;
        });
        for (let i = 0; i < 1_000 && slow.requests.length === 0; i++) await turns(1);
        expect(slow.requests.map((r) => r.path)).toEqual([path]);
        vi.advanceTimersByTime(49);
        await turns(20); // time for an answer, had one been sent, to arrive over loopback
        expect(answered).toBe(false);
        vi.advanceTimersByTime(1);
        expect(await response).toBe(status);
      }
    } finally {
      vi.useRealTimers();
      await slow.close();
    }
  });

  test('env names the four urls, their shadows, the Risk and the Loyalty address, and close() frees every port', async () => {
    const own = await startDemoUpstreams();
    const shadows = own.shadowUrls!;
    expect(own.env).toEqual({
      CRM_URL: own.urls.crm,
      ORDERS_URL: own.urls.orders,
      TICKETS_URL: own.urls.tickets,
      AGENTS_URL: own.urls.agents,
      RISK_ADDRESS: own.riskAddress,
      LOYALTY_ADDRESS: own.loyaltyAddress,
      CRM_SHADOW_URL: shadows.crm,
      ORDERS_SHADOW_URL: shadows.orders,
      TICKETS_SHADOW_URL: shadows.tickets,
      AGENTS_SHADOW_URL: shadows.agents,
    });
    expect(own.riskAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(own.loyaltyAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const urls = [...Object.values(own.urls), ...Object.values(shadows)];
    expect(urls.every((u) => /^http:\/\/127\.0\.0\.1:\d+$/.test(u))).toBe(true);
    expect(new Set(urls).size).toBe(8);
    await fetch(own.urls.crm + '/customers/1'); // leaves a keep-alive connection open
    await own.close();
    for (const url of urls) {
      await expect(fetch(url + '/customers/1')).rejects.toThrow('fetch failed');
      const probe = createServer().listen(Number(new URL(url).port), '127.0.0.1');
      await once(probe, 'listening');
      await new Promise((resolve) => probe.close(resolve));
    }
    for (const address of [own.riskAddress, own.loyaltyAddress]) {
      const probe = createServer().listen(Number(address.split(':')[1]), '127.0.0.1');
      await once(probe, 'listening');
      await new Promise((resolve) => probe.close(resolve));
    }
  });

  test('shadows: false starts the production set only', async () => {
    const own = await startDemoUpstreams({ shadows: false });
    expect([own.shadowUrls, Object.keys(own.env).sort()]).toEqual([undefined, ['AGENTS_URL', 'CRM_URL', 'LOYALTY_ADDRESS', 'ORDERS_URL', 'RISK_ADDRESS', 'TICKETS_URL']]);
    await own.close();
  });

  test('a shadow service answers as production does, with every name prefixed "Shadow "', async () => {
    const own = await startDemoUpstreams();
    const customers = (url: string) => fetch(`${url}/customers?ids=1,2`).then((r) => r.json() as Promise<{ items: { full_name: string }[] }>);
    const production = await customers(own.urls.crm);
    const shadow = await customers(own.shadowUrls!.crm);
    expect(shadow).toEqual({ items: production.items.map((c) => ({ ...c, full_name: `Shadow ${c.full_name}` })) });
    expect([own.requests.length, own.shadowRequests.length, own.requestCount()]).toEqual([1, 1, 2]);
    await own.close();
  });
});
