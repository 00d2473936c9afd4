import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/observability/index.ts';
import { RedisStore, redisWindow, replicaShare, resolveRedisSettings, SharedRateLimiter } from '../../src/scale-out/index.ts';
import { freePort, startRedisServer, type RedisServer } from '../../bench/lib/redis-server.ts';

const quiet = () => createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _enc, done) => done() }) });
const LIMIT = { requestsPerSecond: 1, burst: 10 }; // a 10 s window of 10 points: no refill while a test runs

let redis: RedisServer;
const stores: RedisStore[] = [];

function storeOn(url: string, overrides: { commandTimeoutMs?: number } = {}): RedisStore {
  const store = new RedisStore(resolveRedisSettings({ url, commandTimeoutMs: overrides.commandTimeoutMs ?? 500, connectTimeoutMs: 500 }), quiet());
  stores.push(store);
  return store;
}
async function connected(store: RedisStore): Promise<RedisStore> {
  for (let i = 0; i < 500 && !store.available; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(store.state).toBe('up');
  return store;
}
const limiter = (store: RedisStore, prefix: string, now?: () => number) => new SharedRateLimiter({ default: undefined, callers: { c: LIMIT }, ...(now ? { now } : {}) }, store, { keyPrefix: prefix, replicas: 2 });

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const store of stores) store.close();
  await redis?.kill();
});

describe('a token bucket as Redis counts it', () => {
  test.for([
    { limit: { requestsPerSecond: 1, burst: 1 }, window: { points: 1, durationSec: 1 } },
    { limit: { requestsPerSecond: 200, burst: 200 }, window: { points: 200, durationSec: 1 } },
    { limit: { requestsPerSecond: 200, burst: 400 }, window: { points: 400, durationSec: 2 } },
    { limit: { requestsPerSecond: 100, burst: 150 }, window: { points: 200, durationSec: 2 } },
    { limit: { requestsPerSecond: 100, burst: 10 }, window: { points: 100, durationSec: 1 } },
  ])('$limit.requestsPerSecond/s, burst $limit.burst: $window.points points per $window.durationSec s', ({ limit, window }) => {
    expect(redisWindow(limit)).toEqual(window);
  });

  test.for([
    { replicas: 1, share: { requestsPerSecond: 200, burst: 400 } },
    { replicas: 4, share: { requestsPerSecond: 50, burst: 100 } },
    { replicas: 3, share: { requestsPerSecond: 200 / 3, burst: 133 } },
    { replicas: 1000, share: { requestsPerSecond: 0.2, burst: 1 } },
  ])('each of $replicas replicas keeps its share while Redis is away', ({ replicas, share }) => {
    expect(replicaShare({ requestsPerSecond: 200, burst: 400 }, replicas)).toEqual(share);
  });
});

describe('shared per-caller limits', { timeout: 30_000 }, () => {
  test('two replicas taking at once share one quota exactly: 10 of 40 concurrent requests, whichever replica they reach', async () => {
    const [one, two] = [limiter(await connected(storeOn(redis.url)), 'exact:'), limiter(await connected(storeOn(redis.url)), 'exact:')];
    const taken = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? one : two).take('c')));
    expect(taken.filter((t) => t === 0)).toHaveLength(10);
    expect(taken.filter((t) => t > 0)).toHaveLength(30);
    expect(one.counts.local + two.counts.local).toBe(0);
  });

  test('unreachable Redis: each replica decides at once, without a promise, at its share (burst 10, 2 replicas: 5 each)', async () => {
    const store = storeOn(`redis://127.0.0.1:${await freePort()}`);
    const local = limiter(store, 'down:', () => 0);
    const taken = Array.from({ length: 8 }, () => local.take('c'));
    expect(taken).toEqual([0, 0, 0, 0, 0, 2, 2, 2]); // its share refills at 0.5/s: 2 s to the next request
    expect(local.counts).toEqual({ shared: 0, local: 8 });
  });

  test('a Redis that stops answering costs a command timeout, then the breaker skips it and every decision is local and immediate', async () => {
    const store = await connected(storeOn(redis.url, { commandTimeoutMs: 50 }));
    const slow = limiter(store, 'paused:', () => 0);
    const admin = new Redis(redis.url);
    try {
      // Writes (the limit's script) wait; the admin's UNPAUSE, not a write, does not.
      await admin.client('PAUSE', 5_000, 'WRITE');
      // Each times out after 50 ms and is decided locally; after 10 failures the breaker opens.
      const first = await Promise.all(Array.from({ length: 10 }, () => slow.take('c')));
      expect(first.filter((t) => t === 0)).toHaveLength(5);
      expect(store.available).toBe(false);
      expect(store.state).toBe('degraded');
      expect(typeof slow.take('c')).toBe('number');
      expect(slow.counts).toEqual({ shared: 0, local: 11 });
    } finally {
      await admin.client('UNPAUSE');
      admin.disconnect();
    }
  });
});
