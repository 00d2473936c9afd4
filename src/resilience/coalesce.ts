import { channel } from 'node:diagnostics_channel';
import type { UpstreamRequest, UpstreamResponse } from '../transports/transport.ts';
import type { SendWrapper } from './compose.ts';
import { raceDeadline } from './response-cache.ts';
import { deepFreeze } from '../util/deep-freeze.ts';

/** Published when a call joins an identical one in flight: `{ connector, operation }`. */
export const COALESCED_CHANNEL = 'tessera:upstream:coalesced';
const coalescedChannel = channel(COALESCED_CHANNEL);

/** Never part of the key: unique per request, it would keep every call apart. */
const REQUEST_ID_HEADER = 'x-request-id';

/**
 * In-flight de-duplication for operations with `coalesce: true` and no response cache (a cache
 * coalesces on its own): identical calls made while one is in flight wait for that one's answer
 * instead of making their own, and nothing is kept once it settles. "Identical" is the whole
 * rendered call: method, path with query, body, and every header but the request id, so calls
 * whose forwarded headers differ (a caller's identity, a stress mark) never share. The shared
 * answer is frozen, as a cached one is, because several requests now read it.
 */
export function withCoalescing(): SendWrapper {
  return (next) => {
    const inFlight = new Map<string, { call: Promise<UpstreamResponse>; deadlineAt: number }>();
    return (request, options) => {
      if (!request.policy.coalesce || request.policy.cacheTtlMs !== undefined) return next(request, options);
      const key = coalesceKey(request);
      const deadlineAt = options.deadlineAt ?? Infinity;
      const shared = inFlight.get(key);
      if (shared) {
        if (options.observer) options.observer.coalesced = (options.observer.coalesced ?? 0) + 1;
        if (coalescedChannel.hasSubscribers) coalescedChannel.publish({ connector: request.connector, operation: request.operation });
        // Joining a call that may outlive this request: wait no longer than this request may.
        return deadlineAt < shared.deadlineAt ? raceDeadline(shared.call, deadlineAt, request) : shared.call;
      }
      const call = next(request, options).then(
        (response) => {
          inFlight.delete(key);
          deepFreeze(response.body);
          return response;
        },
        (error: unknown) => {
          inFlight.delete(key);
          throw error;
        },
      );
      inFlight.set(key, { call, deadlineAt });
      return call;
    };
  };
}

function coalesceKey(request: UpstreamRequest): string {
  let key = `${request.operation}\n${request.method} ${request.path}\n${request.body ?? ''}`;
  const headers = request.headers;
  for (const name of Object.keys(headers).sort()) {
    if (name !== REQUEST_ID_HEADER) key += `\n${name}: ${headers[name]}`;
  }
  return key;
}
