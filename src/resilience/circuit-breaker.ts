import CircuitBreaker from 'opossum';
import { GatewayError, UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { SendFn, UpstreamRequest, UpstreamResponse, SendOptions } from '../transports/transport.ts';
import type { ConnectorPolicy } from './policy.ts';
import type { SendWrapper } from './compose.ts';
import { NOT_SENT } from './deadline.ts';

export type BreakerState = 'closed' | 'open' | 'halfOpen' | 'disabled';

/**
 * One connector's circuit breaker (opossum). It opens when more than `errorThresholdPercent` of
 * the calls in the rolling window failed (after `minRequests` calls), fails fast with CIRCUIT_OPEN
 * while open, lets one probe through after `resetTimeoutMs` (half-open) and closes when it
 * succeeds. Answers that prove the upstream is alive (404, other 4xx) never count as failures.
 */
export class ConnectorCircuitBreaker {
  readonly #connector: string;
  readonly #policy: ConnectorPolicy['circuitBreaker'];
  readonly #onStateChange: (state: BreakerState) => void;
  #breaker: CircuitBreaker<[UpstreamRequest, SendOptions], UpstreamResponse> | undefined;
  /** When the breaker entered its current state (epoch ms): the console shows "open since". */
  #since = Date.now();

  constructor(connector: string, policy: ConnectorPolicy['circuitBreaker'], onStateChange: (state: BreakerState) => void) {
    this.#connector = connector;
    this.#policy = policy;
    this.#onStateChange = onStateChange;
  }

  /** The wrapper; called once, at boot, when the connector's pipeline is composed. */
  readonly wrap: SendWrapper = (next: SendFn): SendFn => {
    if (!this.#policy.enabled) return next;
    const breaker = new CircuitBreaker(next, {
      timeout: false, // timeouts are the deadline wrapper's and the transport's job
      errorThresholdPercentage: this.#policy.errorThresholdPercent,
      volumeThreshold: this.#policy.minRequests,
      rollingCountTimeout: this.#policy.windowMs,
      rollingCountBuckets: 10,
      resetTimeout: this.#policy.resetTimeoutMs,
      errorFilter: isHealthyFailure,
      // Only the failure rate decides; latency percentiles and periodic snapshots are never read,
      // and cost every call an array push and every bucket a sort of the window's latencies.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    const changed = (state: BreakerState) => {
      this.#since = Date.now();
      this.#onStateChange(state);
    };
    breaker.on('open', () => changed('open'));
    breaker.on('halfOpen', () => changed('halfOpen'));
    breaker.on('close', () => changed('closed'));
    this.#breaker = breaker;
    const connector = this.#connector;
    return (request, options) =>
      breaker.fire(request, options).catch((error: unknown) => {
        // opossum's own rejection while open or while its one half-open probe is out.
        if (!(error instanceof GatewayError) && (error as { code?: unknown }).code === 'EOPENBREAKER') {
          throw new UpstreamError(ErrorCodes.CIRCUIT_OPEN, `Connector ${connector} is failing; its circuit breaker is open`, {
            details: { connector, operation: request.operation },
            httpStatus: 503,
          });
        }
        // The gateway closed this breaker on shutdown while a request whose caller already hung
        // up was still running: the call is never sent, and that is an upstream field error like
        // any other, not an unexpected one (and not worth a retry).
        if (!(error instanceof GatewayError) && (error as { code?: unknown }).code === 'ESHUTDOWN') {
          throw new UpstreamError(ErrorCodes.UPSTREAM_UNAVAILABLE, `Connector ${connector} is closed: the gateway is shutting down`, {
            details: { connector, operation: request.operation, [NOT_SENT]: true },
            httpStatus: 503,
          });
        }
        throw error;
      });
  };

  get state(): BreakerState {
    const breaker = this.#breaker;
    if (!breaker) return 'disabled';
    return breaker.halfOpen ? 'halfOpen' : breaker.opened ? 'open' : 'closed';
  }

  /** When the breaker entered the state it is in (epoch ms); for a disabled breaker, when it was built. */
  get since(): number {
    return this.#since;
  }

  /** Stops the breaker's rolling-window timers. */
  shutdown(): void {
    this.#breaker?.shutdown();
  }
}

/** An error that says nothing bad about the upstream: it answered (4xx, a declared exception), or the call was never sent. */
function isHealthyFailure(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  if (error.details[NOT_SENT] === true || error.code === ErrorCodes.UPSTREAM_ENTITY_NOT_FOUND || error.code === ErrorCodes.UPSTREAM_ERROR) return true;
  const status = error.details.status;
  return error.code === ErrorCodes.UPSTREAM_HTTP_ERROR && typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}
