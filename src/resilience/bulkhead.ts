import { performance } from 'node:perf_hooks';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { SendWrapper } from './compose.ts';
import { deadlineExceeded } from './deadline.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';

/**
 * Caps one connector's calls in flight, with a bounded wait queue (p-limit, through
 * ConcurrencyLimit). When the queue is full the call fails at once with OVERLOADED: a slow
 * upstream then costs its own fields, not the gateway's memory. A queued call gives up when its
 * request's deadline passes; its slot, when it comes, is skipped.
 */
export class ConnectorBulkhead {
  readonly #limit: ConcurrencyLimit;
  readonly wrap: SendWrapper;

  constructor(connector: string, limits: { maxConcurrent: number; maxQueue: number }) {
    const limit = new ConcurrencyLimit(limits.maxConcurrent);
    this.#limit = limit;
    this.wrap = (next) => (request, options) => {
      const busy = limit.active + limit.pending >= limits.maxConcurrent;
      if (!busy) return limit.run(() => next(request, options));
      if (limit.pending >= limits.maxQueue) {
        return Promise.reject(
          new UpstreamError(ErrorCodes.OVERLOADED, `Connector ${connector} is at its limit of ${limits.maxConcurrent} calls in flight and ${limits.maxQueue} queued`, {
            details: { connector, operation: request.operation },
            httpStatus: 503,
          }),
        );
      }
      const deadlineAt = options.deadlineAt;
      if (deadlineAt === undefined) return limit.run(() => next(request, options));
      // Queued: race the wait against the deadline. Only queued calls pay for a timer.
      let gaveUp = false;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          gaveUp = true;
          reject(deadlineExceeded(connector, request.operation));
        }, Math.max(0, deadlineAt - performance.now()));
        timer.unref();
        limit
          .run(() => {
            if (gaveUp) return Promise.resolve();
            clearTimeout(timer);
            return next(request, options).then(resolve, reject);
          })
          .catch(reject);
      });
    };
  }

  /** Calls of this connector in flight now. */
  get active(): number {
    return this.#limit.active;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.#limit.pending;
  }
}
