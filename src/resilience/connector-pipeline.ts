import type { ConnectorConfig } from '../config/types.ts';
import type { SendFn, Transport } from '../transports/transport.ts';
import { compose } from './compose.ts';
import { withDeadline } from './deadline.ts';
import { withRetry } from './retry.ts';
import { RetryBudget } from './retry-budget.ts';
import { ConnectorBulkhead } from './bulkhead.ts';
import { ConnectorCircuitBreaker, type BreakerState } from './circuit-breaker.ts';
import { withResponseCache } from './response-cache.ts';
import { withCoalescing } from './coalesce.ts';
import { withEnvelope } from './body-failure.ts';
import type { SendWrapper } from './compose.ts';
import { resolveConnectorPolicy, type ConnectorPolicy } from './policy.ts';

/** One connector's `send` with every protection around it, and the state an operator may look at. */
export interface ConnectorPipeline {
  readonly policy: ConnectorPolicy;
  readonly send: SendFn;
  /** What an operator wants to see: breaker state, calls in flight and waiting. */
  state(): ConnectorState;
  /** When the breaker entered its current state (epoch ms). */
  breakerSince(): number;
  close(): void;
}

export interface ConnectorState {
  breaker: BreakerState;
  inFlight: number;
  queued: number;
}

/**
 * Builds a connector's protections once, at boot, so that every request shares the same breaker,
 * retry budget, bulkhead and cache. Order, outermost first:
 * - call span (only with tracing on): one client span per call, cache hits included;
 * - cache: a hit (or a call already in flight) skips everything below; with `redis:`, the
 *   replica's own cache in front of the one replicas share (scale-out/shared-cache.ts);
 * - coalescing (idempotent reads, unless an operation opts out): an identical call in flight is joined;
 * - trace headers (only with tracing on): `traceparent` written below the cache and coalescing keys;
 * - retry: each attempt goes through the bulkhead and the breaker again;
 * - attempt observer (only with metrics on): counts and times each attempt, refusals included;
 * - bulkhead: a full queue rejects before the breaker counts anything;
 * - breaker: sees every real attempt, fails fast while open;
 * - envelope (only if declared): a 200 whose body says "failed" becomes a failure here, so the
 *   breaker counts it and the retry sees it;
 * - deadline: runs last, so queue waits and backoff are already spent when it sets the timeout.
 */
export function createConnectorPipeline(
  connector: ConnectorConfig,
  transport: Transport,
  onBreakerStateChange: (connector: string, state: BreakerState) => void,
  /** Sees every attempt (inside retry, outside bulkhead and breaker): the metrics' upstream counter. */
  observeAttempt?: SendWrapper,
  /** Tracing (only when on): the call's span, outermost, and the wrapper that writes its trace headers, above retry. */
  traced?: { span: SendWrapper; headers: SendWrapper },
  /** The response cache shared by replicas (scale-out/, with `redis:`); absent: the in-process one. */
  sharedCache?: (bounds: ConnectorPolicy['cache']) => SendWrapper,
): ConnectorPipeline {
  const policy = resolveConnectorPolicy(connector);
  const bulkhead = new ConnectorBulkhead(connector.name, policy.concurrency);
  const breaker = new ConnectorCircuitBreaker(connector.name, policy.circuitBreaker, (state) => onBreakerStateChange(connector.name, state));
  // Wrappers no operation of this connector uses are left out, so they cost nothing.
  const ops = Object.values(connector.operations);
  const send = compose((request, options) => transport.send(request, options), [
    ...(traced ? [traced.span] : []),
    sharedCache ? sharedCache(policy.cache) : withResponseCache(policy.cache),
    // Always present: whether a call shares is its operation's policy (on for idempotent reads).
    withCoalescing(),
    ...(traced ? [traced.headers] : []),
    withRetry(new RetryBudget(policy.retryBudget)),
    ...(observeAttempt ? [observeAttempt] : []),
    bulkhead.wrap,
    breaker.wrap,
    ...optional(connector.envelope !== undefined || ops.some((op) => op.envelope !== undefined), withEnvelope),
    withDeadline(),
  ]);
  return {
    policy,
    send,
    state: () => ({ breaker: breaker.state, inFlight: bulkhead.active, queued: bulkhead.queued }),
    breakerSince: () => breaker.since,
    close: () => breaker.shutdown(),
  };
}

function optional(wanted: boolean, wrapper: () => SendWrapper): SendWrapper[] {
  return wanted ? [wrapper()] : [];
}
