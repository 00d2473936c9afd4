import type { RedisConfig } from '../config/types.ts';

/** gateway.yaml's `redis:` with every default applied: what the client, the shared cache and the shared limits run on. */
export interface RedisSettings {
  url: string;
  tls: boolean;
  keyPrefix: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  replicas: number;
  staleIfErrorMs: number;
  lockWaitMs: number;
  maxEntryBytes: number;
  /** The breaker around Redis: opens when this share of commands failed in its window. */
  breaker: { errorThresholdPercent: number; minRequests: number; windowMs: number; resetTimeoutMs: number };
}

/** The defaults docs/config.md's `redis:` table quotes. */
export const REDIS_DEFAULTS = Object.freeze({
  keyPrefix: 'tessera:',
  commandTimeoutMs: 100, // 100 ms: Redis answers in well under 1 ms on a healthy network
  connectTimeoutMs: 1_000, // 1 s
  replicas: 1,
  staleIfErrorMs: 60_000, // 1 min past the TTL
  lockWaitMs: 1_000, // 1 s waiting for another replica's call of the same key
  maxEntryBytes: 1_048_576, // 1 MiB per shared cache entry
  breaker: Object.freeze({ errorThresholdPercent: 50, minRequests: 10, windowMs: 10_000, resetTimeoutMs: 2_000 }),
});

export function resolveRedisSettings(config: RedisConfig): RedisSettings {
  const d = REDIS_DEFAULTS;
  return Object.freeze({
    url: config.url,
    tls: config.tls ?? config.url.startsWith('rediss:'),
    keyPrefix: config.keyPrefix ?? d.keyPrefix,
    commandTimeoutMs: config.commandTimeoutMs ?? d.commandTimeoutMs,
    connectTimeoutMs: config.connectTimeoutMs ?? d.connectTimeoutMs,
    replicas: config.replicas ?? d.replicas,
    staleIfErrorMs: config.staleIfErrorMs ?? d.staleIfErrorMs,
    lockWaitMs: config.lockWaitMs ?? d.lockWaitMs,
    maxEntryBytes: config.maxEntryBytes ?? d.maxEntryBytes,
    breaker: d.breaker,
  });
}

/** Where Redis is, for logs and `/readyz`: host and port only, never the URL's credentials. */
export function describeRedis(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
}
