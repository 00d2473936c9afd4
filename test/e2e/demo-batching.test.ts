import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startDemo, type TestDemo } from '../support/gateway.ts';

let demo: TestDemo;
beforeAll(async () => {
  demo = await startDemo();
});
beforeEach(() => demo.upstreams.resetRequests());
afterAll(() => demo.close());

const PANEL = /* GraphQL */ `
  query Panel($ids: [ID!]!) {
    customers(ids: $ids) {
      id name tier
      orders(limit: 3) { id totalCents }
      tickets { id status agent { id name } }
    }
  }
`;

/** Upstream calls per service, with the number of keys each call carried. */
function callsByService(): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const r of demo.upstreams.requests) {
    const keys = r.query.ids ?? r.query.customerIds ?? '';
    (out[r.service] ??= []).push(keys ? keys.split(',').length : 0);
  }
  return out;
}

describe('the demo panel, batched', () => {
  test('50 customers with orders, tickets and agents: one batch call per upstream', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => String(i * 7 + 1));
    const { body } = await demo.query(PANEL, { ids });
    expect(body.errors).toBeUndefined();
    const customers = body.data!.customers as { id: string; orders: unknown[]; tickets: { agent: { id: string } | null }[] }[];
    expect(customers.map((c) => c.id)).toEqual(ids);
    expect(customers.every((c) => c.orders.length <= 3)).toBe(true);
    const agentIds = new Set(customers.flatMap((c) => c.tickets.map((t) => t.agent!.id)));
    expect(agentIds.size).toBeGreaterThan(1);
    // Agents declare maxSize 100: more distinct agents than that make exactly one more call.
    const agentBatches = agentIds.size > 100 ? [100, agentIds.size - 100] : [agentIds.size];
    expect(callsByService()).toEqual({ crm: [50], orders: [50], tickets: [50], agents: agentBatches });
  });

  test('more keys than a declared maxSize (100) split into exactly the needed calls', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => String(i + 1));
    const { body } = await demo.query('query($ids: [ID!]!) { customers(ids: $ids) { id orders(limit: 1) { id } } }', { ids });
    expect(body.errors).toBeUndefined();
    expect(callsByService()).toEqual({ crm: [100, 50], orders: [100, 50] });
  });

  test('recentOrders, read from the grouped endpoint, answers what orders reads from the flat one, in one call', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => String(i * 3 + 2));
    const { body } = await demo.query('query($ids: [ID!]!) { customers(ids: $ids) { recentOrders { id totalCents status } } }', { ids });
    expect(body.errors).toBeUndefined();
    // The orders go out with the customers (key prefetch), so the two calls may arrive in either order.
    expect(demo.upstreams.requests.map((r) => `${r.service} ${r.path}`).sort()).toEqual(['crm /customers', 'orders /orders/grouped']);
    const flat = await demo.query('query($ids: [ID!]!) { customers(ids: $ids) { recentOrders: orders(limit: 3) { id totalCents status } } }', { ids });
    expect(body.data).toEqual(flat.body.data);
    expect((body.data!.customers as { recentOrders: unknown[] }[]).some((c) => c.recentOrders.length === 0)).toBe(true);
  });

  test('only the connectors the requested fields need are called', async () => {
    await demo.query('{ customer(id: "42") { name points } }');
    expect(callsByService()).toEqual({ crm: [1] });
  });

  test('the CRM is asked only for the fields the query needs, in one call for every alias', async () => {
    const { body } = await demo.query('{ a: customer(id: "3") { name } b: customer(id: "4") { email orders(limit: 1) { id } } }');
    expect(body.errors).toBeUndefined();
    const crm = demo.upstreams.requests.filter((r) => r.service === 'crm');
    expect(crm.map((r) => [r.query.ids, r.query.fields])).toEqual([['3,4', 'email,full_name,id']]);
    expect(Object.keys((body.data!.b as Record<string, unknown>))).toEqual(['email', 'orders']);
  });

  test('the explain header reports the calls this request made', async () => {
    const { body } = await demo.query(PANEL, { ids: ['1', '2', '3'] }, { 'x-tessera-explain': '1' });
    const tessera = body.extensions!.tessera as { plan: { stages: { fetches: { operation: string }[] }[] }; upstreamCalls: Record<string, { calls: number }> };
    // Orders and tickets are keyed by the customer's id, the key the customers are fetched by: they go with them.
    expect(tessera.plan.stages.map((s) => s.fetches.map((f) => f.operation))).toEqual([
      ['crm.getCustomers', 'orders.ordersByCustomer', 'tickets.ticketsByCustomer'],
      ['agents.getAgents'],
    ]);
    expect(Object.fromEntries(Object.entries(tessera.upstreamCalls).map(([k, v]) => [k, v.calls]))).toEqual({
      'crm.getCustomers': 1,
      'orders.ordersByCustomer': 1,
      'tickets.ticketsByCustomer': 1,
      'agents.getAgents': 1,
    });
  });
});
