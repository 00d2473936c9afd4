import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { startDemo, type TestDemo } from '../support/gateway.ts';
import type * as CreateYoga from '../../src/server/create-yoga.ts';

/**
 * graphql-yoga is built on the first request the hot path does not serve, once, and never for
 * POST JSON: a gateway that only sees the hot path does not hold it in memory.
 */
const yogaBuilds = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/server/create-yoga.ts', async (importOriginal) => {
  const real = await importOriginal<typeof CreateYoga>();
  return {
    ...real,
    createYogaServer: (...args: Parameters<typeof real.createYogaServer>) => {
      yogaBuilds.count += 1;
      return real.createYogaServer(...args);
    },
  };
});

let demo: TestDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo.close();
});

test('the hot path never builds yoga; the first request off it builds it once, concurrent ones share it', async () => {
  for (const id of ['1', '2', '3']) {
    const { status, body } = await demo.query('query ($id: ID!) { customer(id: $id) { id } }', { id });
    expect(status).toBe(200);
    expect(body.data).toEqual({ customer: { id } });
  }
  expect(await (await fetch(`${demo.url}/healthz`)).json()).toEqual({ status: 'ok' });
  expect(yogaBuilds.count).toBe(0);

  const gets = await Promise.all(
    ['a1', 'a2', 'a3'].map((id) => fetch(`${demo.url}/graphql?query=${encodeURIComponent(`{ agent(id: "${id}") { id } }`)}`).then((r) => r.json())),
  );
  expect(gets).toEqual(['a1', 'a2', 'a3'].map((id) => ({ data: { agent: { id } } })));
  expect(yogaBuilds.count).toBe(1);

  // A POST the fast path leaves to yoga (a syntax error) reuses the same instance.
  const bad = await demo.query('{ customer(id: "1") { id ');
  expect(bad.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  expect(yogaBuilds.count).toBe(1);
});
