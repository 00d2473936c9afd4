import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startDemo, type TestDemo } from '../support/gateway.ts';
import { riskOfCustomer } from '../../src/demo/risk.ts';

let demo: TestDemo;
beforeAll(async () => {
  demo = await startDemo();
});
beforeEach(() => demo.upstreams.resetRequests());
afterAll(() => demo.close());

const RISK = 'risk { fraudScore level flags exposureMicros assessedAt }';

describe('the demo Risk service (gRPC) on Customer, batched', () => {
  test('the README panel query never calls Risk (its answer is unchanged)', async () => {
    const { body } = await demo.query('query Panel($id: ID!) { customer(id: $id) { id name tier points orders(limit: 3) { id createdAt totalCents status } tickets(status: "open") { id subject agent { name team } } } }', { id: '52' });
    expect(body.errors).toBeUndefined();
    expect(demo.upstreams.riskCalls).toEqual([]);
  });

  test('the panel with risk: one GetRiskScores call for the customer, its fields coerced by the documented rules', async () => {
    const { body } = await demo.query(`{ customer(id: "52") { id name ${RISK} } }`);
    expect(body.errors).toBeUndefined();
    const expected = riskOfCustomer('52')!;
    expect(body.data).toEqual({
      customer: {
        id: '52',
        name: expect.any(String),
        risk: { fraudScore: expected.fraud_score, level: expected.level, flags: expected.flags, exposureMicros: expected.exposure_micros, assessedAt: new Date(Number(expected.assessed_at.seconds) * 1000).toISOString().replace('.000Z', 'Z') },
      },
    });
    expect(demo.upstreams.riskCalls.map((c) => c.customerIds)).toEqual([['52']]);
    expect(demo.upstreams.riskCalls[0]!.metadata['x-client']).toBe('tessera');
  });

  test('150 customers: exactly the calls [100, 50]; an exposure past 2^53 arrives as an exact string', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => String(i + 1));
    const { body } = await demo.query(`query($ids: [ID!]!) { customers(ids: $ids) { id risk { exposureMicros } } }`, { ids });
    expect(body.errors).toBeUndefined();
    expect(demo.upstreams.riskCalls.map((c) => c.customerIds.length)).toEqual([100, 50]);
    expect(demo.upstreams.riskCalls.flatMap((c) => c.customerIds).sort()).toEqual([...ids].sort());
    const customers = body.data!.customers as { id: string; risk: { exposureMicros: string } }[];
    expect(customers.find((c) => c.id === '97')!.risk.exposureMicros).toBe('9007199254741090');
  });

  test('an unknown customer: null with an error, and the known ones complete', async () => {
    const { body } = await demo.query(`{ a: customer(id: "7") { id risk { level } } b: customer(id: "99999") { id risk { level } } }`);
    expect(body.data).toEqual({ a: { id: '7', risk: { level: riskOfCustomer('7')!.level } }, b: null });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['b'], 'UPSTREAM_ENTITY_NOT_FOUND']]);
  });
});
