import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startDemo, type TestDemo } from '../support/gateway.ts';
import { customerById, type Customer } from '../../src/demo/customers.ts';

let demo: TestDemo;
beforeAll(async () => {
  demo = await startDemo();
});
beforeEach(() => demo.upstreams.resetRequests());
afterAll(() => demo.close());

const services = () => demo.upstreams.requests.map((r) => r.service);
const expectedTier = (points: number) => (points >= 40_000 ? 'platinum' : points >= 25_000 ? 'gold' : points >= 10_000 ? 'silver' : 'bronze');

describe('the demo shows computed and masked fields', () => {
  test('tier is computed from points, phone leaves masked to its last 4, for every customer of a page', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => String(i * 13 + 1));
    const { body } = await demo.query('query($ids: [ID!]!) { customers(ids: $ids) { id points tier phone balance balanceCents } }', { ids });
    expect(body.errors).toBeUndefined();
    const customers = body.data!.customers as { id: string; points: number; tier: string; phone: string; balance: number; balanceCents: number }[];
    expect(customers.map((c) => ({ id: c.id, tier: c.tier, phone: c.phone, balance: c.balance }))).toEqual(
      ids.map((id) => {
        const raw = customerById(id)!;
        return { id, tier: expectedTier(raw.points), phone: `${'*'.repeat(raw.phone.length - 4)}${raw.phone.slice(-4)}`, balance: raw.balance_cents / 100 };
      }),
    );
    expect(services()).toEqual(['crm']);
  });

  test('the CRM trims its answer, yet is asked for what the expressions read (points, the sort key)', async () => {
    const ids = ['3', '30', '300', '3000'];
    const { body } = await demo.query('query($ids: [ID!]!) { customer(id: "42") { tier } customers(ids: $ids) @transform(sortBy: "item.points", descending: true) { id } }', { ids });
    expect(body.errors).toBeUndefined();
    const byPoints = [...ids].sort((a, b) => customerById(b)!.points - customerById(a)!.points);
    expect(body.data).toEqual({ customer: { tier: expectedTier(customerById('42')!.points) }, customers: byPoints.map((id) => ({ id })) });
    // Both root fields share one batch call, asking for the union of what they read.
    expect(demo.upstreams.requests.map((r) => r.query.fields)).toEqual(['id,points']);
  });

  test('openTicketCount fetches tickets only because it needs them', async () => {
    const { body } = await demo.query('{ customer(id: "42") { openTicketCount } }');
    expect(body.errors).toBeUndefined();
    const { body: tickets } = await demo.query('{ customer(id: "42") { tickets(status: "open") { id } } }');
    expect(body.data).toEqual({ customer: { openTicketCount: (tickets.data!.customer as { tickets: unknown[] }).tickets.length } });
    expect(services()).toEqual(['crm', 'tickets', 'crm', 'tickets']);
  });

  test("a caller's limit applies before fields below fetch: one agent looked up, not one per ticket", async () => {
    const keysOf = (service: string) => demo.upstreams.requests.filter((r) => r.service === service).map((r) => r.query.ids!.split(',').length);
    await demo.query('{ customer(id: "52") { tickets { agent { name } } } }');
    const allAgents = keysOf('agents');
    expect(allAgents[0]).toBeGreaterThan(1);
    demo.upstreams.resetRequests();
    const { body } = await demo.query('{ customer(id: "52") { tickets @transform(limit: 1) { agent { name } } } }');
    expect((body.data!.customer as { tickets: unknown[] }).tickets).toHaveLength(1);
    expect(keysOf('agents')).toEqual([1]);
  });

  test('null and failed items pass through a caller transform: kept, sorted last, their error at their position', async () => {
    const { body } = await demo.query('{ customers(ids: ["5", "nope", "6"]) @transform(sortBy: "item.points") { id points } }');
    const [a, b] = [customerById('5')!, customerById('6')!].sort((x, y) => x.points - y.points) as [Customer, Customer];
    expect(body.data).toEqual({ customers: [{ id: a.id, points: a.points }, { id: b.id, points: b.points }, null] });
    expect(body.errors?.map((e) => ({ path: e.path, code: e.extensions?.code }))).toEqual([{ path: ['customers', 2], code: 'UPSTREAM_ENTITY_NOT_FOUND' }]);
  });

  test('largestOrders: the operator transform sorts by total and keeps three', async () => {
    const { body } = await demo.query('{ customer(id: "7") { largestOrders { totalCents } orders { totalCents } } }');
    const customer = body.data!.customer as { largestOrders: { totalCents: number }[]; orders: { totalCents: number }[] };
    const top = customer.orders.map((o) => o.totalCents).sort((a, b) => b - a).slice(0, 3);
    expect(customer.largestOrders.map((o) => o.totalCents)).toEqual(top);
  });
});
