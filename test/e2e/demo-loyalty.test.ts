import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startDemo, type TestDemo } from '../support/gateway.ts';
import { loyaltyOfCustomer } from '../../src/demo/loyalty.ts';

let demo: TestDemo;
beforeAll(async () => {
  demo = await startDemo();
});
beforeEach(() => demo.upstreams.resetRequests());
afterAll(() => demo.close());

const LOYALTY = 'loyalty { level pointsBalance pointsExpireOn }';

describe('the demo Loyalty service (Thrift, compact protocol, framed) on Customer, batched', () => {
  test('the README panel query never calls Loyalty (its answer is unchanged)', async () => {
    const { body } = await demo.query('query Panel($id: ID!) { customer(id: $id) { id name tier points orders(limit: 3) { id createdAt totalCents status } tickets(status: "open") { id subject agent { name team } } } }', { id: '52' });
    expect(body.errors).toBeUndefined();
    expect(demo.upstreams.loyaltyCalls).toEqual([]);
  });

  test('a customer with loyalty and risk: one getAccounts call and one GetRiskScores call, level by name, points exact', async () => {
    const { body } = await demo.query(`{ customer(id: "52") { id ${LOYALTY} risk { level } } }`);
    expect(body.errors).toBeUndefined();
    const expected = loyaltyOfCustomer('52')!;
    expect(body.data).toEqual({ customer: { id: '52', loyalty: { level: expected.level, pointsBalance: expected.pointsBalance, pointsExpireOn: expected.pointsExpireOn ?? null }, risk: { level: expect.any(String) } } });
    expect(demo.upstreams.loyaltyCalls.map((c) => c.customerIds)).toEqual([['52']]);
    expect(demo.upstreams.riskCalls.map((c) => c.customerIds)).toEqual([['52']]);
  });

  test('150 customers: exactly the calls [100, 50]; a balance past 2^53 arrives as an exact string', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => String(i + 1));
    const { body } = await demo.query('query($ids: [ID!]!) { customers(ids: $ids) { id loyalty { pointsBalance } } }', { ids });
    expect(body.errors).toBeUndefined();
    expect(demo.upstreams.loyaltyCalls.map((c) => c.customerIds.length)).toEqual([100, 50]);
    expect(demo.upstreams.loyaltyCalls.flatMap((c) => c.customerIds).sort()).toEqual([...ids].sort());
    const customers = body.data!.customers as { id: string; loyalty: { pointsBalance: string } }[];
    expect(customers.find((c) => c.id === '89')!.loyalty.pointsBalance).toBe('9007199254741082');
    expect(customers.map((c) => c.loyalty.pointsBalance)).toEqual(ids.map((id) => loyaltyOfCustomer(id)!.pointsBalance));
  });

  test('an unknown customer: null with an error, and the known ones complete', async () => {
    const { body } = await demo.query('{ a: customer(id: "7") { id loyalty { level } } b: customer(id: "99999") { id loyalty { level } } }');
    expect(body.data).toEqual({ a: { id: '7', loyalty: { level: loyaltyOfCustomer('7')!.level } }, b: null });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['b'], 'UPSTREAM_ENTITY_NOT_FOUND']]);
  });

  test('the data is deterministic and spread over every level, with and without expiry', () => {
    const accounts = Array.from({ length: 400 }, (_, i) => loyaltyOfCustomer(String(i + 1))!);
    expect(new Set(accounts.map((a) => a.level))).toEqual(new Set(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']));
    expect(accounts.some((a) => a.pointsExpireOn === undefined) && accounts.some((a) => /^\d{4}-\d{2}-\d{2}$/.test(a.pointsExpireOn ?? ''))).toBe(true);
    expect(loyaltyOfCustomer('52')).toEqual(loyaltyOfCustomer('52'));
    expect(loyaltyOfCustomer('99999')).toBeUndefined();
  });
});
