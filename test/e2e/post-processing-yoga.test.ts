import { afterAll, beforeAll, expect, test } from 'vitest';
import { startDemo, type TestDemo } from '../support/gateway.ts';

/** The other door: GET requests go through graphql-yoga, which must accept and run @transform too. */
let demo: TestDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.close());

test('a GET query with a caller @transform and masked fields answers as the fast path does', async () => {
  const query = '{ customer(id: "52") { phone tickets(status: "open") @transform(sortBy: "item.id", limit: 1) { id } } }';
  const viaGet = await fetch(`${demo.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json' } });
  const viaPost = await demo.query(query);
  expect(viaGet.status).toBe(200);
  const body = (await viaGet.json()) as { data: { customer: { phone: string; tickets: { id: string }[] } } };
  expect(body).toEqual(viaPost.body);
  expect(body.data.customer.phone).toMatch(/^\*+\d{4}$/);
  expect(body.data.customer.tickets).toEqual([{ id: 't-52-2' }]);
});

test('a refused caller expression over GET is the same BAD_EXPRESSION error', async () => {
  const query = '{ customer(id: "52") { tickets @transform(filter: "item.subject.matches(\'a\')") { id } } }';
  const viaGet = await fetch(`${demo.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json' } });
  const body = (await viaGet.json()) as { errors: { extensions: Record<string, unknown> }[] };
  expect(body.errors.map((e) => e.extensions)).toEqual([{ code: 'BAD_EXPRESSION', reason: 'EXPR_FORBIDDEN', argument: 'filter', position: { line: 1, column: 13 } }]);
});
