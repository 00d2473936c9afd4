import { performance } from 'node:perf_hooks';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { SendWrapper } from './compose.ts';

/** Marks errors raised before any byte was sent: they say nothing about the upstream's health. */
export const NOT_SENT = 'notSent';

/**
 * Gives each call only the time its request has left: the call's timeout becomes
 * min(operation timeout, deadline − now), and the transport forwards that budget upstream. A call
 * whose request is already out of time fails at once with UPSTREAM_TIMEOUT instead of being sent.
 */
export function withDeadline(): SendWrapper {
  return (next) => (request, options) => {
    const deadlineAt = options.deadlineAt;
    if (deadlineAt === undefined) return next(request, options);
    const remaining = Math.floor(deadlineAt - performance.now());
    if (remaining <= 0) return Promise.reject(deadlineExceeded(request.connector, request.operation));
    if (remaining >= request.timeoutMs) return next(request, options);
    return next({ ...request, timeoutMs: remaining }, options);
  };
}

/** The error of a call that was never sent because its request ran out of time. */
export function deadlineExceeded(connector: string, operation: string): UpstreamError {
  return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${connector}.${operation} was not called: the request deadline was reached`, {
    details: { connector, operation, [NOT_SENT]: true },
    httpStatus: 504,
  });
}
