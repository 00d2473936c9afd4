import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import type { UpstreamRequest, UpstreamResponse } from '../transports/transport.ts';
import type { SendWrapper } from './compose.ts';
import { deadlineExceeded } from './deadline.ts';
import { deepFreeze } from '../util/deep-freeze.ts';
import { ChurningMap } from '../util/churning-map.ts';

/**
 * Caches the answers of operations that opt in (`cache: { ttlMs }`), keyed by operation and the
 * rendered call (path, query, body, templated and forwarded headers), bounded in entries and bytes (lru-cache).
 * Concurrent identical calls share one in-flight request, so a burst for a hot key reaches the
 * upstream once. Failures are never cached. Cached bodies are shared between requests, so they
 * are frozen: the engine only reads them, and a write would fail in its own request.
 */
export function withResponseCache(bounds: { maxEntries: number; maxBytes: number }): SendWrapper {
  return (next) => {
    const cache = new LRUCache<string, UpstreamResponse>({
      max: bounds.maxEntries,
      maxSize: bounds.maxBytes,
      // lru-cache needs a positive size; an empty body still costs its entry.
      sizeCalculation: (response) => Math.max(1, response.bytes),
    });
    const inFlight = new ChurningMap<string, { call: Promise<UpstreamResponse>; deadlineAt: number }>();
    return (request, options) => {
      const ttl = request.policy.cacheTtlMs;
      if (ttl === undefined) return next(request, options);
      const key = cacheKey(request);
      const cached = cache.get(key);
      if (cached) {
        if (options.observer) options.observer.cacheHits += 1;
        return Promise.resolve(cached);
      }
      const deadlineAt = options.deadlineAt ?? Infinity;
      const shared = inFlight.get(key);
      if (shared) {
        if (options.observer) options.observer.cacheHits += 1;
        // Joining a call that may outlive this request: wait no longer than this request may.
        return deadlineAt < shared.deadlineAt ? raceDeadline(shared.call, deadlineAt, request) : shared.call;
      }
      const call = next(request, options).then(
        (response) => {
          inFlight.delete(key);
          deepFreeze(response.body);
          // Too big for the whole cache: lru-cache would refuse it anyway; skip the work.
          if (response.bytes <= bounds.maxBytes) cache.set(key, response, { ttl });
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

/** The shared call's answer, or UPSTREAM_TIMEOUT when this request's deadline comes first. */
export function raceDeadline(call: Promise<UpstreamResponse>, deadlineAt: number, request: UpstreamRequest): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(deadlineExceeded(request.connector, request.operation)), Math.max(0, deadlineAt - performance.now()));
    timer.unref();
    call.then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** What makes two calls of one connector the same call: operation, method, path with query, body, and the headers the key depends on. */
export function cacheKey(request: UpstreamRequest): string {
  // A gRPC call's message is its encoded payload (deterministic for one message: fields in number order).
  const body = request.payload === undefined ? (request.body ?? '') : request.payload.toString('base64');
  let key = `${request.operation}\n${request.method} ${request.path}\n${body}`;
  // An absent header and an empty one are different calls: `-` marks absent, `=` a value.
  for (const name of request.policy.cacheKeyHeaders) {
    const value = request.headers[name];
    key += value === undefined ? '\n-' : `\n=${value}`;
  }
  return key;
}
