import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DOORS, startDemo, type TestDemo } from '../support/gateway.ts';

let demo: TestDemo;
beforeAll(async () => {
  demo = await startDemo();
});
beforeEach(() => demo.upstreams.resetRequests());
afterAll(() => demo.close());

const PANEL = /* GraphQL */ `
  query Panel($ids: [ID!]!) {
    customers(ids: $ids) {
      id name
      orders(limit: 2) { id }
      tickets { id agent { name } }
      risk { level }
    }
  }
`;

const services = (requests: readonly { service: string }[]) => requests.map((r) => r.service).sort();

describe.each(DOORS)('the demo with and without the stress mark (%s door)', (door) => {
  test('marked, the panel reaches only the shadow services (names prefixed "Shadow"); the gRPC Risk service gets the mark', async () => {
    const ids = ['1', '2', '3'];
    const plain = await demo.queryVia(door, PANEL, { ids });
    expect(plain.body.errors).toBeUndefined();
    expect(services(demo.upstreams.requests)).toEqual(['agents', 'crm', 'orders', 'tickets']);
    expect(demo.upstreams.shadowRequests).toEqual([]);
    demo.upstreams.resetRequests();

    const marked = await demo.queryVia(door, PANEL, { ids }, { 'x-tessera-traffic': 'stress' });
    expect(marked.body.errors).toBeUndefined();
    expect(demo.upstreams.requests).toEqual([]);
    expect(services(demo.upstreams.shadowRequests)).toEqual(['agents', 'crm', 'orders', 'tickets']);
    expect(demo.upstreams.shadowRequests.map((r) => r.headers['x-tessera-traffic'])).toEqual(['stress', 'stress', 'stress', 'stress']);
    // Risk declares no shadow; its method has no side effects, so it is called with the mark.
    expect(demo.upstreams.riskCalls.map((c) => c.metadata['x-tessera-traffic'])).toEqual(['stress']);

    type Panel = { customers: { name: string; tickets: { agent: { name: string } | null }[]; orders: unknown[]; risk: unknown }[] };
    const before = plain.body.data as Panel;
    const after = marked.body.data as Panel;
    expect(after.customers.map((c) => c.name)).toEqual(before.customers.map((c) => `Shadow ${c.name}`));
    expect(after.customers.flatMap((c) => c.tickets.map((t) => t.agent?.name))).toEqual(before.customers.flatMap((c) => c.tickets.map((t) => `Shadow ${t.agent?.name}`)));
    // Everything that is not a name is the same data.
    expect(after.customers.map((c) => [c.orders, c.risk])).toEqual(before.customers.map((c) => [c.orders, c.risk]));
  });
});
