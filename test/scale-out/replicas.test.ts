import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeConfigDir } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { callersYaml } from '../support/callers.ts';
import { startReplica, type Replica } from '../support/replica.ts';
import { startRedisServer, type RedisServer } from '../../bench/lib/redis-server.ts';

// Two gateway replicas (two `tessera serve` processes) sharing one real redis-server: the cache
// entry one replica fetched answers the other, a caller's quota is one across both, marked
// traffic keeps keys of its own, every key expires, and a Redis that dies mid-run costs nothing
// but the sharing until it is back.

const ITEMS_YAML = `
baseUrl: \${ITEMS_URL}
retry: { maxRetries: 0 }
operations:
  getItem:
    path: /items/{id}
    params: { id: ID! }
    cache: { ttlMs: 600000 }
`;
// Answers expire at once (1 ms) but stay in Redis for redis.staleIfErrorMs: what stale-if-error serves.
const FLAKY_YAML = `
baseUrl: \${ITEMS_URL}
retry: { maxRetries: 0 }
operations:
  getFlaky:
    path: /flaky/{id}
    params: { id: ID! }
    cache: { ttlMs: 1 }
`;
const SCHEMA = `
type Query {
  item(id: ID!): Item @source(connector: "items", operation: "getItem", params: { id: "{args.id}" })
  flaky(id: ID!): Item @source(connector: "flaky", operation: "getFlaky", params: { id: "{args.id}" })
}
type Item { id: ID! name: String }
`;
const QUOTA = 12; // requestsPerSecond 1, burst 12: one window of 12 s holds the 12 requests allowed
const GATEWAY_YAML = `
reload: { watch: false }
metrics: { enabled: true }
rateLimits:
  callers:
    quota: { requestsPerSecond: 1, burst: ${QUOTA} }
redis:
  url: \${REDIS_URL}
  keyPrefix: "t:"
  commandTimeoutMs: 500
  connectTimeoutMs: 500
  replicas: 2
  lockWaitMs: 4000
  staleIfErrorMs: 600000
`;
const KEYS = { console: { 'x-api-key': 'console-key' }, quota: { 'x-api-key': 'quota-key' } };
const MARK = 'x-tessera-traffic';

let redis: RedisServer;
let upstream: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let a: Replica;
let b: Replica;
let inspect: Redis;
/** Held answers: the upstream answers `/items/hot` only once the test opens the gate. */
let openGate: () => void = () => {};
let gate: Promise<void> = Promise.resolve();
const failing = new Set<string>();

const callsTo = (pathname: string) => upstream.calls.filter((c) => c.url.pathname === pathname).length;
const item = (id: string) => `{ item(id: "${id}") { id name } }`;
const itemData = (id: string) => ({ item: { id, name: `item ${id}` } });

/** Polls a condition the test can read (a count, a state) until it holds; no length of time is asserted. */
async function until(condition: () => boolean | Promise<boolean>, what: string, tries = 1_500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${what} did not hold`);
}

const metricsOf = async (replica: Replica) => (await fetch(`${replica.url}/metrics`)).text();
const redisState = async (replica: Replica) => (await replica.readyz()).body.redis?.state;
async function commandCalls(command: string): Promise<number> {
  const info = await inspect.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}
async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await inspect.scan(cursor, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

beforeAll(async () => {
  redis = await startRedisServer();
  upstream = await startFakeUpstream((call, res) => {
    const id = decodeURIComponent(call.url.pathname.split('/').pop()!);
    if (call.url.pathname.startsWith('/flaky/') && failing.has(id)) return json(res, 503, { error: 'down' });
    void gate.then(() => json(res, 200, { id, name: `item ${id}` }));
  });
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'items.yaml': ITEMS_YAML, 'flaky.yaml': FLAKY_YAML } });
  await writeFile(path.join(config.dir, 'gateway.yaml'), GATEWAY_YAML);
  await writeFile(path.join(config.dir, 'callers.yaml'), callersYaml({ mode: 'required', callers: { console: ['console-key'], quota: ['quota-key'] } }));
  const env = { ITEMS_URL: upstream.url, REDIS_URL: redis.url };
  [a, b] = await Promise.all([startReplica(config.dir, env), startReplica(config.dir, env)]);
  inspect = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  inspect.on('error', () => {});
  await inspect.connect();
  await until(async () => (await redisState(a)) === 'up' && (await redisState(b)) === 'up', 'both replicas connected to Redis');
}, 60_000);

afterAll(async () => {
  openGate();
  await Promise.all([a?.stop(), b?.stop()]);
  inspect?.disconnect();
  await redis?.kill();
  await upstream?.close();
  await config?.remove();
});

describe('replicas sharing Redis', { timeout: 60_000 }, () => {
  test.for(['fast', 'yoga'] as const)('an answer one replica fetched answers the other: the upstream is called once for two requests (%s door)', async (door) => {
    const id = `shared-${door}`;
    expect((await a.query(item(id), KEYS.console, door)).body).toEqual({ data: itemData(id) });
    expect((await b.query(item(id), KEYS.console, door)).body).toEqual({ data: itemData(id) });
    expect(callsTo(`/items/${id}`)).toBe(1);
  });

  test('a hot key is fetched once across replicas: the second replica waits for the first one\'s call instead of making its own', async () => {
    gate = new Promise((resolve) => (openGate = resolve));
    const setsBefore = await commandCalls('set');
    // Five concurrent requests on each replica: each replica coalesces its own, and between them one takes the lock.
    const pending = [...Array.from({ length: 5 }, () => a.query(item('hot'), KEYS.console)), ...Array.from({ length: 5 }, () => b.query(item('hot'), KEYS.console))];
    // Both replicas have tried the lock (one SET NX each) and one call is upstream: now the answer may come.
    await until(async () => callsTo('/items/hot') === 1 && (await commandCalls('set')) >= setsBefore + 2, 'one upstream call and both replicas at the lock');
    openGate();
    const answers = await Promise.all(pending);
    expect(answers.map((r) => r.body)).toEqual(Array.from({ length: 10 }, () => ({ data: itemData('hot') })));
    expect(callsTo('/items/hot')).toBe(1);
  });

  test(`a caller's quota is one across replicas: with a limit of ${QUOTA}, exactly ${QUOTA} of 30 requests are allowed, whichever replica and door they reach`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const replica = i % 2 === 0 ? a : b;
      const response = await replica.query(item('quota'), KEYS.quota, i % 4 < 2 ? 'fast' : 'yoga');
      statuses.push(response.status);
      if (response.status === 429) expect(response.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(QUOTA);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - QUOTA);
  });

  test('marked traffic keeps keys of its own: a stress answer never answers production, and its quota is its own', async () => {
    expect((await a.query(item('marked'), { ...KEYS.console, [MARK]: 'stress' })).body).toEqual({ data: itemData('marked') });
    expect((await b.query(item('marked'), KEYS.console)).body).toEqual({ data: itemData('marked') });
    expect(callsTo('/items/marked')).toBe(2);
    // Each traffic's entry now answers the other replica.
    expect((await b.query(item('marked'), { ...KEYS.console, [MARK]: 'stress' })).body).toEqual({ data: itemData('marked') });
    expect((await a.query(item('marked'), KEYS.console)).body).toEqual({ data: itemData('marked') });
    expect(callsTo('/items/marked')).toBe(2);
    const keys = await allKeys();
    expect(keys.filter((k) => k.includes(':cache:v1:stress:items:'))).toHaveLength(1);
    expect(keys.filter((k) => k.includes(':cache:v1:production:items:')).length).toBeGreaterThan(1);
    // The production quota is spent (previous test); stress traffic of the same caller still has its own.
    expect((await a.query(item('quota'), { ...KEYS.quota, [MARK]: 'stress' })).status).toBe(200);
    expect(keys.some((k) => k.startsWith('t:rl:') && k.endsWith(':production:quota'))).toBe(true);
  });

  test('stale-if-error: when the upstream fails, an expired entry another replica stored answers', async () => {
    expect((await a.query('{ flaky(id: "s") { id name } }', KEYS.console)).body).toEqual({ data: { flaky: { id: 's', name: 'item s' } } });
    const [key] = (await allKeys()).filter((k) => k.includes(':flaky:'));
    // Past its 1 ms TTL: only the stale window is left.
    await until(async () => (await inspect.pttl(key!)) <= 600_000, 'the entry to be past its TTL');
    failing.add('s');
    expect((await b.query('{ flaky(id: "s") { id name } }', KEYS.console)).body).toEqual({ data: { flaky: { id: 's', name: 'item s' } } });
    expect(callsTo('/flaky/s')).toBe(2); // the second call failed, and the stale entry answered
  });

  test('no key is left without a TTL', async () => {
    const keys = await allKeys();
    expect(keys.length).toBeGreaterThan(0);
    const ttls = await Promise.all(keys.map(async (key) => ({ key, pttl: await inspect.pttl(key) })));
    expect(ttls.filter(({ pttl }) => !(pttl > 0))).toEqual([]);
  });

  test('a Redis that hangs (every client paused): requests still succeed, each waiting only its command timeouts', async () => {
    const admin = new Redis(redis.url);
    try {
      await admin.client('PAUSE', 3_000, 'ALL');
      const answers = await Promise.all([
        a.query(item('paused-1'), KEYS.console),
        b.query(item('paused-2'), KEYS.console),
        a.query(item('paused-3'), { ...KEYS.quota, [MARK]: 'preview' }),
      ]);
      expect(answers.map((r) => r.body)).toEqual([{ data: itemData('paused-1') }, { data: itemData('paused-2') }, { data: itemData('paused-3') }]);
      await admin.ping(); // answered once the pause is over
    } finally {
      admin.disconnect();
    }
    await until(async () => (await redisState(a)) === 'up' && (await redisState(b)) === 'up', 'both replicas back on Redis');
  });

  test('Redis killed mid-run: both replicas keep answering, report degraded, and share again once it is back', async () => {
    inspect.disconnect();
    await redis.kill();
    await until(async () => (await redisState(a)) === 'degraded' && (await redisState(b)) === 'degraded', 'both replicas degraded');
    const readiness = await a.readyz();
    expect(readiness.status).toBe(200);
    expect(readiness.body.status).toBe('ready');
    // Served, each replica on its own: two calls upstream for the same key.
    expect((await a.query(item('down'), KEYS.console)).body).toEqual({ data: itemData('down') });
    expect((await b.query(item('down'), KEYS.console)).body).toEqual({ data: itemData('down') });
    expect(callsTo('/items/down')).toBe(2);
    // The limited caller is admitted too: each replica decides alone, at its share.
    expect((await a.query(item('down'), { ...KEYS.quota, [MARK]: 'preview' })).status).toBe(200);
    expect(a.logs.some((l) => l.msg === 'redis unavailable: degraded mode, caches and rate limits are per replica (limits at this replica\'s share)')).toBe(true);
    const degraded = await metricsOf(a);
    expect(degraded).toContain('tessera_redis_up 0');
    expect(degraded).toMatch(/tessera_rate_limit_decisions_total\{by="local"\} [1-9]/);
    expect(degraded).toMatch(/tessera_redis_commands_total\{outcome="skipped"\} [1-9]/);

    await redis.restart();
    await until(async () => (await redisState(a)) === 'up' && (await redisState(b)) === 'up', 'both replicas reconnected');
    expect(a.logs.some((l) => l.msg === 'redis recovered: caches and rate limits are shared again')).toBe(true);
    expect((await a.query(item('back'), KEYS.console)).body).toEqual({ data: itemData('back') });
    expect((await b.query(item('back'), KEYS.console)).body).toEqual({ data: itemData('back') });
    expect(callsTo('/items/back')).toBe(1);
    const shared = await metricsOf(b);
    expect(shared).toContain('tessera_redis_up 1');
    expect(shared).toMatch(/tessera_shared_cache_lookups_total\{result="l2"\} [1-9]/);
  });
});
