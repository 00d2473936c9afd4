import type { ConnectorConfig, OperationConfig } from '../config/types.ts';
import type { EnvelopePolicy } from './body-failure.ts';

/**
 * Resilience policies: the settings of connectors/*.yaml with every default applied. Built once
 * at boot (blueprint/ for an operation's CallPolicy, index.ts for a connector's), read on every
 * call without lookups. The defaults here are the ones docs/config.md's settings table quotes.
 */

/** How one operation retries; only idempotent operations retry at all. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 = never retry. */
  maxRetries: number;
  /** Backoff before retry n is a random delay in [0, min(maxDelayMs, baseDelayMs × 2^n)] (full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What every call of one operation carries: frozen at boot, read by the wrappers of resilience/. */
export interface CallPolicy {
  /** Time to establish a TCP (and TLS) connection to the upstream. */
  connectTimeoutMs: number;
  idempotent: boolean;
  retry: RetryPolicy;
  /** Opt-in response cache; undefined = this operation's answers are never cached. */
  cacheTtlMs: number | undefined;
  /** Headers whose values vary by call and so belong in the cache key (templated headers). */
  cacheKeyHeaders: readonly string[];
  /**
   * Identical calls in flight at once share one upstream call: on by default for idempotent
   * operations without a cache (a cache shares in-flight calls itself), off with `coalesce: false`.
   */
  coalesce?: boolean | undefined;
  /** How the answer's body signals a failure and where its data is; undefined = it does not. */
  envelope?: EnvelopePolicy | undefined;
}

/** A connector's shared protections: one budget, one breaker, one bulkhead, one cache per connector. */
export interface ConnectorPolicy {
  name: string;
  retryBudget: { percent: number; minRetriesPerWindow: number; windowMs: number };
  circuitBreaker: { enabled: boolean; errorThresholdPercent: number; minRequests: number; windowMs: number; resetTimeoutMs: number };
  concurrency: { maxConcurrent: number; maxQueue: number };
  cache: { maxEntries: number; maxBytes: number };
}

export const RESILIENCE_DEFAULTS = Object.freeze({
  connectTimeoutMs: 5_000, // 5 s
  retry: Object.freeze({ maxRetries: 2, baseDelayMs: 50, maxDelayMs: 1_000 }), // 50 ms doubling, at most 1 s
  retryBudget: Object.freeze({ percent: 20, minRetriesPerWindow: 10, windowMs: 10_000 }), // 20 % extra calls per 10 s
  circuitBreaker: Object.freeze({ enabled: true, errorThresholdPercent: 50, minRequests: 20, windowMs: 10_000, resetTimeoutMs: 5_000 }),
  // Matches the HTTP transport's keep-alive connections per origin: more would only queue inside undici.
  concurrency: Object.freeze({ maxConcurrent: 128, maxQueue: 1_024 }),
  cache: Object.freeze({ maxEntries: 10_000, maxBytes: 50 * 1024 * 1024 }), // 50 MiB
});

/** The policy of one operation: its own settings, else its connector's, else the defaults. */
export function resolveCallPolicy(
  connector: ConnectorConfig,
  op: OperationConfig,
  cacheKeyHeaders: readonly string[],
  envelope?: EnvelopePolicy,
): CallPolicy {
  const c = connector.resilience;
  const o = op.resilience;
  const d = RESILIENCE_DEFAULTS;
  // GET is safe to repeat by HTTP's definition; anything else must say so (a POST may create twice).
  const idempotent = o.idempotent ?? op.method === 'GET';
  return Object.freeze({
    connectTimeoutMs: o.connectTimeoutMs ?? c.connectTimeoutMs ?? d.connectTimeoutMs,
    idempotent,
    retry: Object.freeze({
      maxRetries: o.retry.maxRetries ?? c.retry.maxRetries ?? d.retry.maxRetries,
      baseDelayMs: o.retry.baseDelayMs ?? c.retry.baseDelayMs ?? d.retry.baseDelayMs,
      maxDelayMs: o.retry.maxDelayMs ?? c.retry.maxDelayMs ?? d.retry.maxDelayMs,
    }),
    cacheTtlMs: o.cacheTtlMs,
    cacheKeyHeaders: Object.freeze([...cacheKeyHeaders]),
    // A read that may be repeated may be shared: the call is made once either way.
    ...(sharesInFlight(o.coalesce, idempotent, o.cacheTtlMs) ? { coalesce: true } : {}),
    ...(envelope ? { envelope } : {}),
  });
}

/**
 * Whether identical calls in flight share one: as configured, else for every idempotent read.
 * An operation with a response cache shares in-flight calls in the cache already.
 */
export function sharesInFlight(configured: boolean | undefined, idempotent: boolean, cacheTtlMs: number | undefined): boolean {
  return cacheTtlMs === undefined && (configured ?? idempotent);
}

/** The shared protections of one connector, defaults applied. */
export function resolveConnectorPolicy(connector: ConnectorConfig): ConnectorPolicy {
  const c = connector.resilience;
  const d = RESILIENCE_DEFAULTS;
  return Object.freeze({
    name: connector.name,
    retryBudget: {
      percent: c.retry.budgetPercent ?? d.retryBudget.percent,
      minRetriesPerWindow: c.retry.minRetriesPerWindow ?? d.retryBudget.minRetriesPerWindow,
      windowMs: c.retry.budgetWindowMs ?? d.retryBudget.windowMs,
    },
    circuitBreaker: {
      enabled: c.circuitBreaker.enabled ?? d.circuitBreaker.enabled,
      errorThresholdPercent: c.circuitBreaker.errorThresholdPercent ?? d.circuitBreaker.errorThresholdPercent,
      minRequests: c.circuitBreaker.minRequests ?? d.circuitBreaker.minRequests,
      windowMs: c.circuitBreaker.windowMs ?? d.circuitBreaker.windowMs,
      resetTimeoutMs: c.circuitBreaker.resetTimeoutMs ?? d.circuitBreaker.resetTimeoutMs,
    },
    concurrency: {
      maxConcurrent: c.concurrency.maxConcurrent ?? d.concurrency.maxConcurrent,
      maxQueue: c.concurrency.maxQueue ?? d.concurrency.maxQueue,
    },
    cache: {
      maxEntries: c.cache.maxEntries ?? d.cache.maxEntries,
      maxBytes: c.cache.maxBytes ?? d.cache.maxBytes,
    },
  });
}
