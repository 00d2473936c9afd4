// The resilience/ stage's public surface: per-connector protections composed around a transport.
export { createConnectorPipeline, type ConnectorPipeline, type ConnectorState } from './connector-pipeline.ts';
export { compose, type SendWrapper } from './compose.ts';
export { TrafficPipelines } from './traffic-pipelines.ts';
export type { BreakerState } from './circuit-breaker.ts';
export { RESILIENCE_DEFAULTS, resolveCallPolicy, resolveConnectorPolicy, type CallPolicy, type ConnectorPolicy, type RetryPolicy } from './policy.ts';
export { RateLimiter, type RateLimitOptions } from './rate-limiter.ts';
export { StaleStore } from './stale-store.ts';
export { ConcurrencyLimit } from './concurrency-limit.ts';
export { LOGGED_UPSTREAM_MESSAGE, type EnvelopePolicy } from './body-failure.ts';
export { COALESCED_CHANNEL } from './coalesce.ts';
export { cacheKey, raceDeadline } from './response-cache.ts';
