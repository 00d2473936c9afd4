import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisStore } from './redis-store.ts';
import type { SharedCacheCounts } from './shared-cache.ts';
import type { SharedLimitCounts } from './shared-rate-limiter.ts';

/**
 * The scale-out series, registered only with `redis:` configured. Every value is read from the
 * counts the store, the shared cache and the shared limits keep anyway, at scrape time: the hot
 * path never touches prom-client.
 */
export function registerRedisMetrics(registry: Registry, sources: { store: RedisStore; cache: SharedCacheCounts; limits: SharedLimitCounts }): void {
  const registers = [registry];
  const { store, cache, limits } = sources;
  new Gauge({
    name: 'tessera_redis_up',
    help: '1 while replicas share through Redis, 0 while this replica is degraded to its local caches and its share of the limits.',
    registers,
    collect() {
      this.set(store.state === 'up' ? 1 : 0);
    },
  });
  new Counter({
    name: 'tessera_redis_commands_total',
    help: 'Redis commands by outcome: ok, failed (error or timeout; the request went on without Redis), skipped (Redis down or its breaker open).',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      this.inc({ outcome: 'ok' }, store.counts.ok);
      this.inc({ outcome: 'failed' }, store.counts.failed);
      this.inc({ outcome: 'skipped' }, store.counts.skipped);
    },
  });
  new Counter({
    name: 'tessera_shared_cache_lookups_total',
    help: 'Calls of cached operations by where they were answered: l1 (this replica), l2 (Redis), miss (upstream), stale (stale-if-error); waited counts waits for another replica\'s call.',
    labelNames: ['result'],
    registers,
    collect() {
      this.reset();
      this.inc({ result: 'l1' }, cache.l1Hits);
      this.inc({ result: 'l2' }, cache.l2Hits);
      this.inc({ result: 'miss' }, cache.misses);
      this.inc({ result: 'stale' }, cache.staleServed);
      this.inc({ result: 'waited' }, cache.waits);
    },
  });
  new Counter({
    name: 'tessera_rate_limit_decisions_total',
    help: 'Rate-limit checks by who decided: shared (Redis, across replicas) or local (this replica at its share, Redis unavailable).',
    labelNames: ['by'],
    registers,
    collect() {
      this.reset();
      this.inc({ by: 'shared' }, limits.shared);
      this.inc({ by: 'local' }, limits.local);
    },
  });
}
