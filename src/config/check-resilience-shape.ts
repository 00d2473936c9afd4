import { ErrorCodes } from '../errors/codes.ts';
import type { ConfigPath, ConnectorResilienceConfig, OperationResilienceConfig, RetryConfig } from './types.ts';
import { checkKeys, readBoolean, readIntInRange, readMapping, readPositiveInt, report, type Checker, type Mapping } from './shape-checker.ts';

/** The resilience keys a connector file may have at its top level (docs/config.md, "Resilience"). */
export const CONNECTOR_RESILIENCE_KEYS = ['connectTimeoutMs', 'retry', 'circuitBreaker', 'concurrency', 'cache'] as const;
/** The resilience keys an operation may have, overriding its connector's. */
export const OPERATION_RESILIENCE_KEYS = ['connectTimeoutMs', 'idempotent', 'retry', 'cache', 'coalesce'] as const;

const RETRY_KEYS = ['maxRetries', 'baseDelayMs', 'maxDelayMs'] as const;
const CONNECTOR_RETRY_KEYS = [...RETRY_KEYS, 'budgetPercent', 'minRetriesPerWindow', 'budgetWindowMs'] as const;
const BREAKER_KEYS = ['enabled', 'errorThresholdPercent', 'minRequests', 'windowMs', 'resetTimeoutMs'] as const;
const CONCURRENCY_KEYS = ['maxConcurrent', 'maxQueue'] as const;
const CONNECTOR_CACHE_KEYS = ['maxEntries', 'maxBytes'] as const;
const OPERATION_CACHE_KEYS = ['ttlMs'] as const;

// setTimeout silently turns anything above 2^31-1 ms into 1 ms; refuse it here instead.
const MAX_MS = 2_147_483_647;
// More retries than this only multiply load on an upstream that is already failing.
const MAX_RETRIES = 10;
const MAX_COUNT = 1_000_000;

/** Reads a connector's resilience settings; absent values stay undefined (= the default). */
export function readConnectorResilience(c: Checker, connector: Mapping): ConnectorResilienceConfig {
  const retry = section(c, connector, [], 'retry', CONNECTOR_RETRY_KEYS);
  const breaker = section(c, connector, [], 'circuitBreaker', BREAKER_KEYS);
  const concurrency = section(c, connector, [], 'concurrency', CONCURRENCY_KEYS);
  const cache = section(c, connector, [], 'cache', CONNECTOR_CACHE_KEYS);
  return {
    connectTimeoutMs: readPositiveInt(c, connector, [], 'connectTimeoutMs', MAX_MS),
    retry: retry
      ? {
          ...readRetry(c, retry, ['retry']),
          budgetPercent: readIntInRange(c, retry, ['retry'], 'budgetPercent', 0, 100),
          minRetriesPerWindow: readIntInRange(c, retry, ['retry'], 'minRetriesPerWindow', 0, MAX_COUNT),
          budgetWindowMs: readPositiveInt(c, retry, ['retry'], 'budgetWindowMs', MAX_MS),
        }
      : {},
    circuitBreaker: breaker
      ? {
          enabled: readBoolean(c, breaker, ['circuitBreaker'], 'enabled'),
          errorThresholdPercent: readIntInRange(c, breaker, ['circuitBreaker'], 'errorThresholdPercent', 1, 100),
          minRequests: readPositiveInt(c, breaker, ['circuitBreaker'], 'minRequests', MAX_COUNT),
          windowMs: readPositiveInt(c, breaker, ['circuitBreaker'], 'windowMs', MAX_MS),
          resetTimeoutMs: readPositiveInt(c, breaker, ['circuitBreaker'], 'resetTimeoutMs', MAX_MS),
        }
      : {},
    concurrency: concurrency
      ? {
          maxConcurrent: readPositiveInt(c, concurrency, ['concurrency'], 'maxConcurrent', MAX_COUNT),
          maxQueue: readIntInRange(c, concurrency, ['concurrency'], 'maxQueue', 0, MAX_COUNT),
        }
      : {},
    cache: cache
      ? {
          maxEntries: readPositiveInt(c, cache, ['cache'], 'maxEntries', MAX_COUNT),
          maxBytes: readPositiveInt(c, cache, ['cache'], 'maxBytes', Number.MAX_SAFE_INTEGER),
        }
      : {},
  };
}

/** Reads an operation's overrides of its connector's resilience settings. */
export function readOperationResilience(c: Checker, op: Mapping, at: ConfigPath): OperationResilienceConfig {
  const retry = section(c, op, at, 'retry', RETRY_KEYS);
  const cache = section(c, op, at, 'cache', OPERATION_CACHE_KEYS);
  let cacheTtlMs: number | undefined;
  if (cache) {
    if (cache.ttlMs === undefined) {
      report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected key "ttlMs" (how long an answer stays cached, in ms); it is missing', [...at, 'cache', 'ttlMs'], 'key');
    } else cacheTtlMs = readPositiveInt(c, cache, [...at, 'cache'], 'ttlMs', MAX_MS);
  }
  return {
    connectTimeoutMs: readPositiveInt(c, op, at, 'connectTimeoutMs', MAX_MS),
    idempotent: readBoolean(c, op, at, 'idempotent'),
    retry: retry ? readRetry(c, retry, [...at, 'retry']) : {},
    cacheTtlMs,
    coalesce: readBoolean(c, op, at, 'coalesce'),
  };
}

function readRetry(c: Checker, retry: Mapping, at: ConfigPath): RetryConfig {
  return {
    maxRetries: readIntInRange(c, retry, at, 'maxRetries', 0, MAX_RETRIES),
    baseDelayMs: readIntInRange(c, retry, at, 'baseDelayMs', 0, MAX_MS),
    maxDelayMs: readIntInRange(c, retry, at, 'maxDelayMs', 0, MAX_MS),
  };
}

/** A nested settings mapping (`retry:`, `cache:`…) with its keys checked; undefined when absent or bad. */
function section(c: Checker, obj: Mapping, at: ConfigPath, key: string, keys: readonly string[]): Mapping | undefined {
  if (obj[key] === undefined) return undefined;
  const value = readMapping(c, obj[key], [...at, key], `a mapping with any of the keys ${keys.join(', ')}`);
  if (value) checkKeys(c, value, [...at, key], keys);
  return value;
}
