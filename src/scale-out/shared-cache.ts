import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type { SendFn, SendOptions, UpstreamRequest, UpstreamResponse } from '../transports/transport.ts';
import { cacheKey, raceDeadline, type SendWrapper } from '../resilience/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { deepFreeze } from '../util/deep-freeze.ts';
import type { RedisStore } from './redis-store.ts';
import type { RedisSettings } from './redis-settings.ts';
import { decodeEntry, digestKey, encodeEntry } from './cache-entry.ts';
import { ChurningMap } from '../util/churning-map.ts';

/** Counts of the shared response cache, summed over connectors and traffic; the metrics read them. */
export interface SharedCacheCounts {
  /** Answered from the replica's own LRU (or a call already in flight on this replica). */
  l1Hits: number;
  /** Answered from Redis: another replica (or this one, earlier) fetched it. */
  l2Hits: number;
  /** Went upstream. */
  misses: number;
  /** Waited for another replica's call of the same key instead of making one. */
  waits: number;
  /** The upstream failed and an entry past its TTL answered (stale-if-error). */
  staleServed: number;
}

export interface SharedCacheOptions {
  store: RedisStore;
  /** The start of this pipeline's keys: prefix, config version, traffic and connector (read per call: a reload changes the version). */
  namespace: () => string;
  settings: Pick<RedisSettings, 'staleIfErrorMs' | 'lockWaitMs' | 'maxEntryBytes'>;
  counts: SharedCacheCounts;
}

// Between looks at Redis while another replica fetches the key: 2 ms first (most upstream calls
// are that fast or faster than the wait would be), doubling up to 32 ms.
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 32;
const UNLOCK_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The unlock command, defined once per client: deletes a lock only if it still holds our token. */
function unlockCommand(client: Redis): (key: string, token: string) => Promise<unknown> {
  const named = client as unknown as { tesseraUnlock?: (key: string, token: string) => Promise<unknown> };
  if (!named.tesseraUnlock) client.defineCommand('tesseraUnlock', { numberOfKeys: 1, lua: UNLOCK_SCRIPT });
  return (key, token) => named.tesseraUnlock!(key, token);
}

/**
 * The response cache of `cache: { ttlMs }` operations when replicas share Redis: the replica's
 * own LRU (L1, bounded in entries and bytes, exactly today's in-process cache) in front of Redis
 * (L2). An L1 miss reads Redis; a Redis miss takes a short lock (SET NX PX) so that, across
 * replicas, one call per key goes upstream while the others wait for its entry (at most
 * `lockWaitMs`, and at most half of what their request has left) and then call themselves:
 * a hot key that expires costs one upstream call, never a stampede. Entries live `ttlMs` +
 * `staleIfErrorMs` in Redis (every key has a TTL); past `ttlMs` they answer only when the
 * upstream fails. Any Redis failure degrades to L1 alone for that call.
 */
export function withSharedCache(options: SharedCacheOptions, bounds: { maxEntries: number; maxBytes: number }): SendWrapper {
  const { store, settings, counts, namespace } = options;
  const unlock = unlockCommand(store.client);
  return (next) => {
    const l1 = new LRUCache<string, UpstreamResponse>({ max: bounds.maxEntries, maxSize: bounds.maxBytes, sizeCalculation: (response) => Math.max(1, response.bytes) });
    // Renewed as it churns: see util/churning-map.ts.
    const inFlight = new ChurningMap<string, { call: Promise<UpstreamResponse>; deadlineAt: number }>();
    const keep = (key: string, response: UpstreamResponse, ttl: number) => {
      if (response.bytes <= bounds.maxBytes && ttl > 0) l1.set(key, response, { ttl });
    };

    const readEntry = async (entryKey: string): Promise<{ response: UpstreamResponse; freshMs: number } | undefined> => {
      const [[, bytes], [, pttl]] = (await store.run((client) => client.pipeline().getBuffer(entryKey).pttl(entryKey).exec())) as [[unknown, Buffer | null], [unknown, number]];
      if (!bytes || typeof pttl !== 'number' || pttl <= 0) return undefined;
      const response = decodeEntry(bytes);
      return response && { response, freshMs: pttl - settings.staleIfErrorMs };
    };

    /**
     * Polls for the entry another replica is fetching; undefined when the wait is over first, or
     * as soon as that replica let go of the key's lock without writing it (its call failed).
     */
    const waitForEntry = async (entryKey: string, lockKey: string, waitMs: number) => {
      const until = performance.now() + waitMs;
      for (let pause = FIRST_POLL_MS; performance.now() < until && store.available; pause = Math.min(MAX_POLL_MS, pause * 2)) {
        await delay(Math.min(pause, Math.max(0, until - performance.now())), undefined, { ref: false });
        const polled = await store
          .run((client) => client.pipeline().getBuffer(entryKey).pttl(entryKey).exists(lockKey).exec())
          .catch(() => undefined);
        if (!polled) continue;
        const [[, bytes], [, pttl], [, lockHeld]] = polled as [[unknown, Buffer | null], [unknown, number], [unknown, number]];
        const response = bytes && typeof pttl === 'number' && pttl > 0 ? decodeEntry(bytes) : undefined;
        if (response && pttl - settings.staleIfErrorMs > 0) return { response, freshMs: pttl - settings.staleIfErrorMs };
        if (lockHeld === 0) return undefined;
      }
      return undefined;
    };

    const fetchShared = async (key: string, request: UpstreamRequest, sendOptions: SendOptions, ttl: number): Promise<UpstreamResponse> => {
      if (!store.available) {
        store.skipped();
        return fetchAlone(next, request, sendOptions, (response) => keep(key, response, ttl), counts);
      }
      const entryKey = `${namespace()}${digestKey(key)}`;
      const found = await readEntry(entryKey).catch(() => undefined);
      if (found && found.freshMs > 0) return l2Hit(key, found, ttl, sendOptions);
      let stale = found?.response;
      const lockKey = `${entryKey}:lock`;
      const token = randomBytes(9).toString('base64url');
      // The lock lives no longer than others wait for it: one left behind (its holder died, or
      // its unlock failed) costs the next callers of the key one wait, no more.
      const lockMs = Math.max(1, Math.ceil(Math.min(request.timeoutMs, settings.lockWaitMs)));
      const locked = await store.run((client) => client.set(lockKey, token, 'PX', lockMs, 'NX')).then((reply) => reply === 'OK', () => undefined);
      if (locked === false) {
        counts.waits += 1;
        const left = (sendOptions.deadlineAt ?? Infinity) - performance.now();
        const waited = await waitForEntry(entryKey, lockKey, Math.max(0, Math.min(settings.lockWaitMs, left / 2)));
        if (waited) return l2Hit(key, waited, ttl, sendOptions);
      }
      counts.misses += 1;
      try {
        const response = await next(request, sendOptions);
        deepFreeze(response.body);
        keep(key, response, ttl);
        // Written after the answer is returned: the request never waits for Redis to store it.
        const bytes = response.bytes <= settings.maxEntryBytes ? encodeEntry(response) : undefined;
        const storable = bytes !== undefined && bytes.length <= settings.maxEntryBytes;
        if (storable || locked) {
          void store
            .run(async (client) => {
              if (storable) await client.set(entryKey, bytes, 'PX', ttl + settings.staleIfErrorMs);
              if (locked) await unlock(lockKey, token);
            })
            .catch(() => undefined);
        }
        return response;
      } catch (error) {
        if (locked) void store.run(() => unlock(lockKey, token)).catch(() => undefined);
        if (settings.staleIfErrorMs > 0 && upstreamDown(error)) {
          // Another replica may have written it since this call began.
          if (store.available) stale = (await readEntry(entryKey).catch(() => undefined))?.response ?? stale;
          if (stale) {
            counts.staleServed += 1;
            return stale;
          }
        }
        throw error;
      }
    };

    const l2Hit = (key: string, found: { response: UpstreamResponse; freshMs: number }, ttl: number, sendOptions: SendOptions) => {
      counts.l2Hits += 1;
      if (sendOptions.observer) sendOptions.observer.cacheHits += 1;
      keep(key, found.response, Math.min(ttl, found.freshMs));
      return found.response;
    };

    return (request, sendOptions) => {
      const ttl = request.policy.cacheTtlMs;
      if (ttl === undefined) return next(request, sendOptions);
      const key = cacheKey(request);
      const cached = l1.get(key);
      if (cached) {
        counts.l1Hits += 1;
        if (sendOptions.observer) sendOptions.observer.cacheHits += 1;
        return Promise.resolve(cached);
      }
      const deadlineAt = sendOptions.deadlineAt ?? Infinity;
      const shared = inFlight.get(key);
      if (shared) {
        counts.l1Hits += 1;
        if (sendOptions.observer) sendOptions.observer.cacheHits += 1;
        return deadlineAt < shared.deadlineAt ? raceDeadline(shared.call, deadlineAt, request) : shared.call;
      }
      const call = fetchShared(key, request, sendOptions, ttl).finally(() => inFlight.delete(key));
      inFlight.set(key, { call, deadlineAt });
      return call;
    };
  };
}

/** Redis is not reachable: exactly the in-process cache's miss. */
async function fetchAlone(next: SendFn, request: UpstreamRequest, options: SendOptions, keep: (response: UpstreamResponse) => void, counts: SharedCacheCounts): Promise<UpstreamResponse> {
  counts.misses += 1;
  const response = await next(request, options);
  deepFreeze(response.body);
  keep(response);
  return response;
}

/**
 * Failures that say the upstream could not answer (a stale answer is then better than none);
 * an answer such as a 404 or a declared error is the upstream's word and is passed on.
 */
function upstreamDown(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  switch (error.code) {
    case ErrorCodes.UPSTREAM_TIMEOUT:
    case ErrorCodes.UPSTREAM_UNAVAILABLE:
    case ErrorCodes.CIRCUIT_OPEN:
    case ErrorCodes.OVERLOADED:
      return true;
    case ErrorCodes.UPSTREAM_HTTP_ERROR: {
      const status = error.details.status;
      return typeof status === 'number' && (status >= 500 || status === 408 || status === 429);
    }
    default:
      return false;
  }
}
