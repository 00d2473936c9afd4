import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config/types.ts';
import { RateLimiter, type RateLimitOptions } from '../resilience/index.ts';
import type { RedisStore } from './redis-store.ts';

/** Counts of the shared limits, read by the metrics at scrape time. */
export interface SharedLimitCounts {
  /** Decided by Redis: the caller's quota across every replica. */
  shared: number;
  /** Decided by this replica alone, at its share of the limit (Redis down, slow or its breaker open). */
  local: number;
}

/**
 * A token bucket `{ requestsPerSecond, burst }` as Redis counts it: a window of whole seconds
 * (Redis expires keys by the second, and a window under one second would never expire) long
 * enough to hold the burst, with the points the rate allows in it. The rate is exact; the
 * burst is rounded up to whole seconds of the rate (exact whenever it is a multiple of the rate,
 * as by default, where burst = rate and the window is one second).
 */
export function redisWindow(limit: RateLimitConfig): { points: number; durationSec: number } {
  const durationSec = Math.max(1, Math.ceil(limit.burst / limit.requestsPerSecond));
  return { points: limit.requestsPerSecond * durationSec, durationSec };
}

/** One replica's share of a limit, the bucket it keeps while Redis cannot be asked. */
export function replicaShare(limit: RateLimitConfig, replicas: number): RateLimitConfig {
  return { requestsPerSecond: limit.requestsPerSecond / replicas, burst: Math.max(1, Math.floor(limit.burst / replicas)) };
}

/**
 * Per-caller rate limits counted in Redis, so a caller's quota is one across every replica
 * (rate-limiter-flexible's RateLimiterRedis: an atomic INCR + PEXPIRE script per request, so
 * concurrent replicas never both take the last point). When Redis is not available, or a
 * command fails or times out, the request is decided at once by a local token bucket at this
 * replica's share of the limit (`limit / redis.replicas`): fail open per replica, never fail
 * every request. The fallback is ours rather than the library's insurance limiter because
 * the breaker around Redis must see each failure, and a degraded replica must decide without
 * awaiting anything. Marked traffic counts in keys of its own, as in-process.
 */
export class SharedRateLimiter {
  readonly counts: SharedLimitCounts = { shared: 0, local: 0 };
  readonly #options: RateLimitOptions;
  readonly #store: RedisStore;
  readonly #local: RateLimiter;
  readonly #remote = new Map<RateLimitConfig, RateLimiterRedis>();

  constructor(options: RateLimitOptions, store: RedisStore, settings: { keyPrefix: string; replicas: number }) {
    this.#options = options;
    this.#store = store;
    const share = (limit: RateLimitConfig) => replicaShare(limit, settings.replicas);
    this.#local = new RateLimiter({
      ...options,
      default: options.default && share(options.default),
      callers: Object.fromEntries(Object.entries(options.callers).map(([id, limit]) => [id, share(limit)])),
    });
    // One Redis limiter per configured limit, built once: its window and points never change.
    for (const limit of [options.default, ...Object.values(options.callers)]) {
      if (!limit || this.#remote.has(limit)) continue;
      const { points, durationSec } = redisWindow(limit);
      // The limit is in the prefix: replicas with different limits for one caller (a rolling change) never read each other's counts.
      this.#remote.set(limit, new RateLimiterRedis({ storeClient: store.client, keyPrefix: `${settings.keyPrefix}rl:${points}/${durationSec}s`, points, duration: durationSec }));
    }
  }

  get enabled(): boolean {
    return this.#local.enabled;
  }

  /** 0 when allowed, else the seconds until it may be; a number at once when Redis is not asked, a promise when it is. */
  take(callerId: string | undefined, traffic?: string): number | Promise<number> {
    const limit = (callerId !== undefined ? this.#options.callers[callerId] : undefined) ?? this.#options.default;
    if (!limit) return 0;
    if (!this.#store.available) {
      this.#store.skipped();
      this.counts.local += 1;
      return this.#local.take(callerId, traffic);
    }
    const remote = this.#remote.get(limit)!;
    const key = `${traffic ?? 'production'}:${callerId ?? ''}`;
    return this.#store
      .run(() =>
        remote.consume(key).then(
          () => 0,
          (rejection: unknown) => {
            // Over the limit is an answer, not a failure: the breaker counts it as a success.
            if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000));
            throw rejection;
          },
        ),
      )
      .then(
        (retryAfterSeconds) => {
          this.counts.shared += 1;
          return retryAfterSeconds;
        },
        () => {
          this.counts.local += 1;
          return this.#local.take(callerId, traffic);
        },
      );
  }
}
