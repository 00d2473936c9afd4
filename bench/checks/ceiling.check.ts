import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCeilingServer } from '../ceiling/server.ts';
import { runSlice, summarize } from '../lib/load.ts';
import { SCENARIOS, requestBody } from '../scenarios/index.ts';

/**
 * The ceiling row's server: every request the bench sends gets back the answer it was given for
 * that request, byte for byte, chosen from the parsed body (so it pays the JSON.parse a real
 * server must), under load as when asked alone.
 */
const [profile, aliases] = [SCENARIOS.find((s) => s.name === 'profile')!, SCENARIOS.find((s) => s.name === 'aliases')!];
/** A distinct answer per variant, with non-ASCII text so that the length must be counted in bytes. */
const answerOf = (scenario: string, i: number) => `{"data":{"${scenario}":${i},"name":"Zoë ${i}"}}`;
let ceiling: Awaited<ReturnType<typeof startCeilingServer>>;
beforeAll(async () => {
  ceiling = await startCeilingServer([profile, aliases].flatMap((s) => s.variants.map((variant, i) => ({ body: requestBody(s, variant), answer: answerOf(s.name, i) }))));
});
afterAll(() => ceiling.close());

const post = (body: string) => fetch(`${ceiling.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('the ceiling server', () => {
  test('answers every variant of every scenario it was given with that variant’s bytes', async () => {
    for (const scenario of [profile, aliases]) {
      const texts = await Promise.all(scenario.variants.map(async (variant) => (await post(requestBody(scenario, variant))).text()));
      expect(texts).toEqual(scenario.variants.map((_, i) => answerOf(scenario.name, i)));
    }
    const response = await post(requestBody(profile, profile.variants[7]!));
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(answerOf('profile', 7))));
  });

  test('chooses by the parsed request, not its text: the same request spaced out gets the same answer', async () => {
    const variant = profile.variants[3]!;
    const spaced = JSON.stringify({ variables: variant.variables, query: profile.query }, null, 2);
    expect(spaced).not.toBe(requestBody(profile, variant));
    expect(await (await post(spaced)).text()).toBe(answerOf('profile', 3));
  });

  test.for([
    { name: 'a body that is not JSON', body: '{"query":', status: 400 },
    { name: 'variables it was not given', body: JSON.stringify({ query: profile.query, variables: { id: 'nobody' } }), status: 404 },
    { name: 'a query it was not given', body: JSON.stringify({ query: '{ __typename }' }), status: 404 },
  ])('refuses $name', async ({ body, status }) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    await response.arrayBuffer();
  });

  test('under load, one request on every connection (identical mode) and every variant in turn (varied)', async () => {
    for (const requests of [profile.variants.slice(0, 1), profile.variants].map((variants) => variants.map((variant) => ({ path: '/graphql', body: requestBody(profile, variant) })))) {
      const options = { url: `${ceiling.url}/graphql`, method: 'POST' as const, body: requests[0]!.body, connections: 10, requests };
      const result = summarize([await runSlice({ ...options, duration: 0.3 })], options);
      expect(result.requests).toBeGreaterThan(50);
      expect(result.errors).toBe(0);
      expect(result.non2xx).toBe(0);
    }
  });
});
