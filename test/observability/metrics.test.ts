import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type Door, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { createGateway } from '../../src/index.ts';
import { createLogger } from '../../src/observability/index.ts';
import { linesOf, parseMetrics, valueOf, type Sample } from './metrics-text.ts';
import { callersYaml } from '../support/callers.ts';

const SCHEMA = `
type Query {
  users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}")
  rates: [Rate] @source(connector: "rates", operation: "allRates")
  flaky: [Rate] @source(connector: "rates", operation: "flaky")
}
type User { id: ID! name: String }
type Rate { id: ID! }
`;

const ACCOUNTS_YAML = `
baseUrl: \${ACCOUNTS_URL}
operations:
  getUsers:
    path: /users
    query: { ids: "{keys}" }
    batch: { maxSize: 2, keyField: id }
    result: items
`;

const RATES_YAML = `
baseUrl: \${RATES_URL}
circuitBreaker: { enabled: false }
retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }
operations:
  allRates:
    path: /rates
    cache: { ttlMs: 600000 }
    result: items
  flaky:
    path: /flaky
    result: items
`;

const GATEWAY_YAML = `
metrics:
  enabled: true
  callers: [agent-console]
  maxOperationNames: 3
rateLimits:
  callers:
    limited: { requestsPerSecond: 1, burst: 1 }
`;

let accounts: FakeUpstream;
let rates: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let gw: TestGateway;

beforeAll(async () => {
  accounts = await startFakeUpstream((call, res) =>
    json(res, 200, { items: call.url.searchParams.get('ids')!.split(',').map((id) => ({ id, name: `user ${id}` })) }),
  );
  rates = await startFakeUpstream((call, res) => (call.url.pathname === '/flaky' ? json(res, 500, { error: 'down' }) : json(res, 200, { items: [{ id: 'r1' }] })));
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'accounts.yaml': ACCOUNTS_YAML, 'rates.yaml': RATES_YAML } });
  await writeFile(path.join(config.dir, 'gateway.yaml'), GATEWAY_YAML);
  // Callers are who their key says they are; a request without one is `anonymous`.
  await writeFile(path.join(config.dir, 'callers.yaml'), callersYaml({ mode: 'optional', callers: { 'agent-console': ['agent-key'], stranger: ['stranger-key'], limited: ['limited-key'] } }));
  gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: accounts.url, RATES_URL: rates.url } });
});

afterAll(async () => {
  await gw.close();
  await accounts.close();
  await rates.close();
  await config.remove();
});

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

/** The known mix: which door, which document, which caller, how many times. */
const MIX: { door: Door; query: string; caller?: string; times: number }[] = [
  { door: 'fast', query: 'query Users { users(ids: ["1", "2", "3"]) { id name } }', times: 2 },
  { door: 'yoga', query: 'query Rates { rates { id } }', times: 3 },
  { door: 'fast', query: 'query Flaky { flaky { id } }', times: 1 },
  { door: 'fast', query: '{ users(ids: ["1"]) { id } }', caller: 'agent-console', times: 1 },
  { door: 'yoga', query: '{ users(ids: ["1"]) { id } }', caller: 'stranger', times: 1 },
  // A fourth operation name: beyond maxOperationNames, so it is counted as `other`.
  { door: 'fast', query: 'query Extra { users(ids: ["9"]) { id } }', times: 1 },
];

describe('GET /metrics after a known mix of requests', () => {
  let samples: Sample[];

  beforeAll(async () => {
    for (const { door, query, caller, times } of MIX) {
      for (let i = 0; i < times; i++) {
        const response = await gw.queryVia(door, query, undefined, caller ? { 'x-api-key': `${caller === 'agent-console' ? 'agent' : caller}-key` } : {});
        expect(response.status).toBe(200);
      }
    }
    // A caller over its rate limit: one answered, one refused with 429 before any work.
    const limited = await Promise.all([1, 2].map(() => gw.query('{ users(ids: ["5"]) { id } }', undefined, { 'x-api-key': 'limited-key' })));
    expect(limited.map((r) => r.status).sort()).toEqual([200, 429]);
    samples = await scrape(`${gw.url}/metrics`);
  });

  test('requests by operation name, status and caller, with unknown names and undeclared callers collapsed', () => {
    expect(linesOf(samples, 'tessera_requests_total')).toEqual(
      [
        'caller=anonymous,operation=Flaky,status=200,traffic=production 1',
        'caller=anonymous,operation=Rates,status=200,traffic=production 3',
        'caller=anonymous,operation=Users,status=200,traffic=production 2',
        'caller=anonymous,operation=other,status=200,traffic=production 1',
        'caller=agent-console,operation=anonymous,status=200,traffic=production 1',
        'caller=limited,operation=anonymous,status=200,traffic=production 1',
        'caller=limited,operation=anonymous,status=429,traffic=production 1',
        'caller=other,operation=anonymous,status=200,traffic=production 1',
      ].sort(),
    );
    expect(valueOf(samples, 'tessera_request_duration_seconds_count', { operation: 'Rates', traffic: 'production' })).toBe(3);
    expect(valueOf(samples, 'tessera_request_duration_seconds_count', { operation: 'anonymous', traffic: 'production' })).toBe(4);
    expect(valueOf(samples, 'tessera_requests_shed_total', { reason: 'rate_limited' })).toBe(1);
    expect(valueOf(samples, 'tessera_requests_in_flight')).toBe(0);
  });

  test('upstream call attempts by connector, operation and outcome; retries; batch sizes; cache hits and misses', () => {
    expect(linesOf(samples, 'tessera_upstream_calls_total')).toEqual(
      [
        // Users: 3 ids at maxSize 2 → calls of 2 and 1, twice; then 1 id each for agent-console, stranger, Extra, limited.
        'connector=accounts,operation=getUsers,outcome=ok,traffic=production 8',
        'connector=rates,operation=allRates,outcome=ok,traffic=production 1',
        // The first attempt and its one retry.
        'connector=rates,operation=flaky,outcome=http_error,traffic=production 2',
        // An operation's ok series exists (at 0) from its first attempt.
        'connector=rates,operation=flaky,outcome=ok,traffic=production 0',
      ].sort(),
    );
    expect(accounts.calls).toHaveLength(8);
    expect(valueOf(samples, 'tessera_upstream_call_duration_seconds_count', { connector: 'accounts', operation: 'getUsers', traffic: 'production' })).toBe(8);
    expect(valueOf(samples, 'tessera_upstream_batch_size_count', { connector: 'accounts', operation: 'getUsers', traffic: 'production' })).toBe(8);
    expect(valueOf(samples, 'tessera_upstream_batch_size_sum', { connector: 'accounts', operation: 'getUsers', traffic: 'production' })).toBe(10);
    expect(valueOf(samples, 'tessera_upstream_batch_size_bucket', { connector: 'accounts', operation: 'getUsers', le: '1', traffic: 'production' })).toBe(6);
    expect(valueOf(samples, 'tessera_upstream_retries_total', { connector: 'rates', operation: 'flaky', traffic: 'production' })).toBe(1);
    expect(valueOf(samples, 'tessera_upstream_retries_total', { connector: 'accounts', operation: 'getUsers', traffic: 'production' })).toBe(0); // exported from the start
    expect(valueOf(samples, 'tessera_upstream_cache_hits_total', { connector: 'rates', operation: 'allRates', traffic: 'production' })).toBe(2);
    expect(valueOf(samples, 'tessera_upstream_cache_misses_total', { connector: 'rates', operation: 'allRates', traffic: 'production' })).toBe(1);
  });

  test('breaker state per connector, plan cache, config version and process metrics', () => {
    expect(linesOf(samples, 'tessera_circuit_breaker_state')).toEqual(
      [
        'connector=accounts,state=closed,traffic=production 1',
        'connector=accounts,state=disabled,traffic=production 0',
        'connector=accounts,state=halfOpen,traffic=production 0',
        'connector=accounts,state=open,traffic=production 0',
        'connector=rates,state=closed,traffic=production 0',
        'connector=rates,state=disabled,traffic=production 1',
        'connector=rates,state=halfOpen,traffic=production 0',
        'connector=rates,state=open,traffic=production 0',
      ],
    );
    // Six distinct documents planned once each; the other four requests found their plan.
    expect(valueOf(samples, 'tessera_plan_cache_lookups_total', { result: 'miss' })).toBe(6);
    expect(valueOf(samples, 'tessera_plan_cache_lookups_total', { result: 'hit' })).toBe(4);
    expect(valueOf(samples, 'tessera_plan_cache_size')).toBe(6);
    expect(valueOf(samples, 'tessera_plan_cache_hit_ratio')).toBe(0.4);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });
});

describe('the metrics switch', () => {
  test.each([
    { name: 'off by default: /metrics is not served', metrics: undefined, onMain: 404, separate: false },
    { name: 'on, without a port: /metrics on the GraphQL port', metrics: { enabled: true }, onMain: 200, separate: false },
    { name: 'on, with a port of its own: only there', metrics: { enabled: true, port: 0 }, onMain: 404, separate: true },
  ])('$name', async ({ metrics, onMain, separate }) => {
    const noMetricsYaml = path.join(config.dir, 'gateway.yaml');
    await writeFile(noMetricsYaml, '');
    const gateway = await createGateway({ configDir: config.dir, env: { ACCOUNTS_URL: accounts.url, RATES_URL: rates.url }, logger: createLogger({ level: 'silent' }), metrics });
    await writeFile(noMetricsYaml, GATEWAY_YAML);
    try {
      const { url, metricsUrl } = await gateway.listen({ port: 0 });
      expect((await fetch(`${url}/metrics`)).status).toBe(onMain);
      expect(metricsUrl === undefined).toBe(metrics === undefined);
      if (separate) {
        expect(new URL(metricsUrl!).port).not.toBe(new URL(url).port);
        expect(valueOf(await scrape(metricsUrl!), 'tessera_requests_in_flight')).toBe(0);
      }
    } finally {
      await gateway.close();
    }
  });
});
