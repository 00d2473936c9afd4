import { channel } from 'node:diagnostics_channel';
import type { UpstreamRequest, UpstreamResponse } from '../transports/transport.ts';
import type { SendWrapper } from './compose.ts';
import { raceDeadline } from './response-cache.ts';
import { deepFreeze } from '../util/deep-freeze.ts';
import { ChurningMap } from '../util/churning-map.ts';

/** Published when a call joins an identical one in flight: `{ connector, operation }`. */
export const COALESCED_CHANNEL = 'tessera:upstream:coalesced';
const coalescedChannel = channel(COALESCED_CHANNEL);

/** Never part of the key: unique per request, it would keep every call apart. */
const REQUEST_ID_HEADER = 'x-request-id';

interface InFlightCall {
  call: Promise<UpstreamResponse>;
  deadlineAt: number;
  /** Requests that joined: the answer is frozen only when someone besides its own request reads it. */
  joined: number;
}

/**
 * In-flight de-duplication for operations whose policy shares (idempotent reads by default,
 * `coalesce: false` opts out; a response cache shares on its own): identical calls made while
 * one is in flight wait for that one's answer instead of making their own, and nothing is kept
 * once it settles. "Identical" is the whole rendered call (method, path with query, body or RPC
 * message, every header but the request id, so calls whose forwarded headers differ, a caller's
 * credential or a stress mark, never share) and the caller's scope set: an answer never crosses
 * a permission boundary, even where the upstream could not tell the callers apart. A shared
 * answer is frozen, as a cached one is, because several requests now read it.
 */
export function withCoalescing(): SendWrapper {
  return (next) => {
    const inFlight = new ChurningMap<string, InFlightCall>();
    return (request, options) => {
      if (!request.policy.coalesce || request.policy.cacheTtlMs !== undefined) return next(request, options);
      const key = coalesceKey(request, options.sharingScope);
      const deadlineAt = options.deadlineAt ?? Infinity;
      const shared = inFlight.get(key);
      if (shared) {
        shared.joined += 1;
        if (options.observer) options.observer.coalesced = (options.observer.coalesced ?? 0) + 1;
        if (coalescedChannel.hasSubscribers) coalescedChannel.publish({ connector: request.connector, operation: request.operation });
        // Joining a call that may outlive this request: wait no longer than this request may.
        return deadlineAt < shared.deadlineAt ? raceDeadline(shared.call, deadlineAt, request) : shared.call;
      }
      const entry: InFlightCall = { call: undefined as unknown as Promise<UpstreamResponse>, deadlineAt, joined: 0 };
      entry.call = next(request, options).then(
        (response) => {
          inFlight.delete(key);
          if (entry.joined > 0) deepFreeze(response.body);
          return response;
        },
        (error: unknown) => {
          inFlight.delete(key);
          throw error;
        },
      );
      inFlight.set(key, entry);
      return entry.call;
    };
  };
}

function coalesceKey(request: UpstreamRequest, sharingScope: string | undefined): string {
  // An RPC call's message is its encoded payload (deterministic for one message: fields in number order).
  const body = request.payload === undefined ? (request.body ?? '') : request.payload.toString('latin1');
  let key = `${request.operation}\n${sharingScope ?? ''}\n${request.method} ${request.path}\n${body}`;
  const headers = request.headers;
  const names = Object.keys(headers);
  if (names.length > 1) names.sort();
  for (const name of names) {
    if (name !== REQUEST_ID_HEADER) key += `\n${name}: ${headers[name]}`;
  }
  return key;
}
