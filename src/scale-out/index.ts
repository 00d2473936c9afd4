// The scale-out/ stage's public surface: what stateless replicas share through Redis. Loaded only
// with `redis:` in gateway.yaml, so a gateway without it never loads ioredis.
import type { Registry } from 'prom-client';
import type { RedisConfig } from '../config/types.ts';
import type { Logger } from '../observability/index.ts';
import type { RateLimitOptions, SendWrapper } from '../resilience/index.ts';
import { RedisStore, type RedisHealth } from './redis-store.ts';
import { resolveRedisSettings, type RedisSettings } from './redis-settings.ts';
import { withSharedCache, type SharedCacheCounts } from './shared-cache.ts';
import { SharedRateLimiter } from './shared-rate-limiter.ts';
import { ENTRY_FORMAT } from './cache-entry.ts';
import { registerRedisMetrics } from './redis-metrics.ts';

export { REDIS_DEFAULTS, resolveRedisSettings, type RedisSettings } from './redis-settings.ts';
export { RedisStore, type RedisHealth, type RedisState } from './redis-store.ts';
export { redisWindow, replicaShare, SharedRateLimiter } from './shared-rate-limiter.ts';

/** One replica's share in the scale-out: its Redis connection and what is built on it. */
export interface ScaleOut {
  readonly settings: RedisSettings;
  readonly store: RedisStore;
  /** The shared response cache of one connector's pipeline for one traffic (production when undefined). */
  cacheFor(connector: string, traffic: string | undefined): (bounds: { maxEntries: number; maxBytes: number }) => SendWrapper;
  /** The per-caller limits, counted across replicas. */
  readonly rateLimiter: SharedRateLimiter;
  health(): RedisHealth;
  registerMetrics(registry: Registry): void;
  close(): void;
}

/**
 * Connects to Redis (in the background: the gateway serves from the first moment, locally until
 * Redis answers). `configVersion()` is read per call: cache keys are namespaced by the config
 * served, so replicas share entries only while they serve the same config, and a reload never
 * reads an entry the previous config wrote.
 */
export function createScaleOut(config: RedisConfig, rateLimits: RateLimitOptions, configVersion: () => string, logger: Logger): ScaleOut {
  const settings = resolveRedisSettings(config);
  const store = new RedisStore(settings, logger);
  const cacheCounts: SharedCacheCounts = { l1Hits: 0, l2Hits: 0, misses: 0, waits: 0, staleServed: 0 };
  const rateLimiter = new SharedRateLimiter(rateLimits, store, settings);
  return {
    settings,
    store,
    rateLimiter,
    cacheFor(connector, traffic) {
      // Marked traffic in keys of its own: a stress run's answers never reach production callers.
      const namespace = () => `${settings.keyPrefix}${configVersion()}:cache:${ENTRY_FORMAT}:${traffic ?? 'production'}:${connector}:`;
      return (bounds) => withSharedCache({ store, namespace, settings, counts: cacheCounts }, bounds);
    },
    health: () => store.health(),
    registerMetrics: (registry) => registerRedisMetrics(registry, { store, cache: cacheCounts, limits: rateLimiter.counts }),
    close: () => store.close(),
  };
}
