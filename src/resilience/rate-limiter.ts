import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import type { RateLimitConfig } from '../config/types.ts';

/** One caller's token bucket: refilled lazily on use, so idle callers cost no timers. */
interface Bucket {
  tokens: number;
  updatedAt: number;
  limit: RateLimitConfig;
}

export interface RateLimitOptions {
  /** Limit of callers without one of their own (and of requests without a caller id); undefined = unlimited. */
  default: RateLimitConfig | undefined;
  callers: Readonly<Record<string, RateLimitConfig>>;
  /** Most callers tracked at once; the least recently seen are forgotten (= start with a full bucket). */
  maxCallers?: number;
  /** Clock in ms; injectable so tests can refill buckets without waiting. */
  now?: () => number;
}

/**
 * Per-caller token buckets, so that one caller cannot eat another's capacity. Caller ids come
 * from a request header, so the table of buckets is an LRU bounded in entries: a flood of
 * made-up ids costs memory only up to `maxCallers`.
 */
export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #buckets: LRUCache<string, Bucket>;
  readonly #now: () => number;

  constructor(options: RateLimitOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#buckets = new LRUCache({ max: options.maxCallers ?? 10_000 });
  }

  /** True when any limit is configured; the server skips the check entirely otherwise. */
  get enabled(): boolean {
    return this.#options.default !== undefined || Object.keys(this.#options.callers).length > 0;
  }

  /**
   * Takes one token for `callerId`: 0 when allowed, else the seconds until a token is available.
   * Marked traffic (`traffic`: stress, preview) takes from buckets of its own, under the same
   * limits, so a load test never spends a caller's production quota (nor the reverse).
   */
  take(callerId: string | undefined, traffic?: string): number {
    const key = traffic === undefined ? (callerId ?? '') : `${traffic}\u0000${callerId ?? ''}`;
    const limit = (callerId !== undefined ? this.#options.callers[callerId] : undefined) ?? this.#options.default;
    if (!limit) return 0;
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket || bucket.limit !== limit) {
      bucket = { tokens: limit.burst, updatedAt: now, limit };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1_000) * limit.requestsPerSecond);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.requestsPerSecond));
  }
}
