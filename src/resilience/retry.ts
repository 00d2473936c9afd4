import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamError, withMoreDiagnosis } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { RetryPolicy } from './policy.ts';
import type { RetryBudget } from './retry-budget.ts';
import type { SendWrapper } from './compose.ts';
import { NOT_SENT } from './deadline.ts';
import { RETRYABLE_BODY_FAILURE } from './body-failure.ts';

/** A retry with less time than this left before the deadline could not finish; it is not made. */
const MIN_ATTEMPT_MS = 10;

/** Statuses that say "try again" (undici's retry handler's list, without 429: that one means "slow down"). */
const RETRY_STATUSES = new Set([500, 502, 503, 504]);

/**
 * Decided on stable codes only, as undici's retry handler does. Timeouts and refused or reset
 * connections may succeed on another try; a bad answer, an open breaker or a full queue will not.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || error.details[NOT_SENT] === true) return false;
  if (error.code === ErrorCodes.UPSTREAM_TIMEOUT || error.code === ErrorCodes.UPSTREAM_UNAVAILABLE) return true;
  // A failure stated in the body is the upstream's decision: retried only when its code is listed in `retryOn`.
  if (error.code === ErrorCodes.UPSTREAM_BODY_ERROR) return error.details[RETRYABLE_BODY_FAILURE] === true;
  return error.code === ErrorCodes.UPSTREAM_HTTP_ERROR && RETRY_STATUSES.has(error.details.status as number);
}

/** Full-jitter exponential backoff (AWS architecture blog): random in [0, min(max, base × 2^n)]. */
export function backoffMs(policy: RetryPolicy, retryIndex: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex));
}

/**
 * Retries idempotent calls that failed with a retryable code, with backoff and jitter, within the
 * connector's retry budget and never past the request's deadline. A POST is never retried unless
 * its operation says `idempotent: true`: repeating it might create something twice.
 *
 * The error that ends a call says how many attempts were made, how long they took in all
 * (backoff and queue waits included) and why there was no other: "3 attempts, 3.0 s" is why a
 * call with a 1000 ms timeout failed after 3 s.
 */
export function withRetry(budget: RetryBudget): SendWrapper {
  return (next) => async (request, options) => {
    budget.recordAttempt();
    const policy = request.policy;
    const startedAt = performance.now();
    if (!policy.idempotent || policy.retry.maxRetries === 0) {
      try {
        return await next(request, options);
      } catch (error) {
        throw attempted(error, 1, startedAt, policy.idempotent ? 'retry.maxRetries is 0' : `${request.method} is not retried unless the operation says idempotent: true`);
      }
    }
    for (let retryIndex = 0; ; retryIndex++) {
      try {
        return await next(request, options);
      } catch (error) {
        const attempts = retryIndex + 1;
        if (retryIndex >= policy.retry.maxRetries) throw attempted(error, attempts, startedAt, undefined);
        if (!isRetryable(error)) throw attempted(error, attempts, startedAt, 'not a retryable failure');
        const delay = backoffMs(policy.retry, retryIndex);
        // A retry that could not finish before the deadline only adds load.
        if (options.deadlineAt !== undefined && performance.now() + delay + MIN_ATTEMPT_MS >= options.deadlineAt) throw attempted(error, attempts, startedAt, 'no time left before the request deadline');
        if (!budget.tryRetry()) throw attempted(error, attempts, startedAt, "the connector's retry budget is spent");
        if (options.observer) options.observer.retries += 1;
        if (delay > 0) await sleep(delay, undefined, { ref: false });
      }
    }
  };
}

/** The failure that ends a call, with its attempts, their total time and why no other was made, in its diagnosis. */
function attempted(error: unknown, attempts: number, startedAt: number, stoppedBecause: string | undefined): unknown {
  if (!(error instanceof UpstreamError)) return error;
  const elapsedMs = Math.round(performance.now() - startedAt);
  const text = `${attempts} attempt${attempts === 1 ? '' : 's'}, ${formatDuration(elapsedMs)}${stoppedBecause ? ` (${stoppedBecause})` : ''}.`;
  return withMoreDiagnosis(error, text, { attempts, elapsedMs });
}

/** `420 ms` below a second, `3.0 s` from one. */
function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
