import { createServer, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir } from '../support/gateway.ts';
import { profilesYaml, RESILIENCE_SCHEMA, ACCOUNTS_YAML } from './resilience-fixtures.ts';

/**
 * An upstream that holds its answers until it has as many calls as the case expects in flight
 * (or has had them all), then answers the oldest: what overlaps is then set by the budget, not
 * by a timer. At each arrival it also reads how many calls the gateway itself has in flight to
 * the connector, so that a looser budget shows even though answers free the calls early. A
 * stricter one stalls the calls until their 2 s timeout, which the body assertion reports.
 */
const upstream = { inFlight: 0, mostInFlight: 0, mostInGateway: 0, calls: 0, expectMost: 0, expectCalls: 0 };
let gatewayInFlight = () => 0;
const held: ServerResponse[] = [];
function answerWhenFull(): void {
  while (held.length > 0 && (upstream.inFlight >= upstream.expectMost || upstream.calls === upstream.expectCalls)) {
    upstream.inFlight -= 1;
    held.shift()!.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
  }
}
const server = createServer((_request, response) => {
  upstream.calls += 1;
  upstream.inFlight += 1;
  upstream.mostInFlight = Math.max(upstream.mostInFlight, upstream.inFlight);
  upstream.mostInGateway = Math.max(upstream.mostInGateway, gatewayInFlight());
  held.push(response);
  answerWhenFull();
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('per-request fan-out budget (maxConcurrentCallsPerRequest)', () => {
  test.for([
    { calls: 1, budget: 2, most: 1 },
    { calls: 2, budget: 2, most: 2 },
    { calls: 3, budget: 2, most: 2 },
    { calls: 7, budget: 2, most: 2 },
    { calls: 7, budget: 3, most: 3 },
    { calls: 4, budget: 64, most: 4 },
  ])('$calls distinct calls with a budget of $budget: at most $most in flight, every call answered', async ({ calls, budget, most }) => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = await writeConfigDir({
      schemas: { 'app.graphql': RESILIENCE_SCHEMA },
      connectors: { 'accounts.yaml': ACCOUNTS_YAML, 'profiles.yaml': profilesYaml({ timeoutMs: 2_000, connector: 'retry: { maxRetries: 0 }' }) },
    });
    const gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: url, PROFILES_URL: url }, dev: true, maxConcurrentCallsPerRequest: budget });
    try {
      Object.assign(upstream, { inFlight: 0, mostInFlight: 0, mostInGateway: 0, calls: 0, expectMost: most, expectCalls: calls });
      gatewayInFlight = () => gw.gateway.connectorStates().profiles!.inFlight;
      const fields = Array.from({ length: calls }, (_, i) => `s${i}: searchProfiles(text: "t${i}") { id }`);
      const { status, body } = await gw.query(`{ ${fields.join(' ')} }`);
      expect(status).toBe(200);
      expect(body).toEqual({ data: Object.fromEntries(fields.map((_, i) => [`s${i}`, []])) });
      expect(upstream.calls).toBe(calls);
      expect(upstream.mostInFlight).toBe(most);
      expect(upstream.mostInGateway).toBe(most);
    } finally {
      await gw.close();
      await config.remove();
    }
  });
});
