import { LRUCache } from 'lru-cache';
import type { UpstreamRequest, UpstreamResponse } from '../transports/transport.ts';
import type { SendWrapper } from './compose.ts';

/**
 * Caches the answers of operations that opt in (`cache: { ttlMs }`), keyed by operation and the
 * rendered call (path, query, body, templated headers), bounded in entries and bytes (lru-cache).
 * Concurrent identical calls share one in-flight request, so a burst for a hot key reaches the
 * upstream once. Failures are never cached. Cached bodies are shared between requests: the
 * engine only reads them.
 */
export function withResponseCache(bounds: { maxEntries: number; maxBytes: number }): SendWrapper {
  return (next) => {
    const cache = new LRUCache<string, UpstreamResponse>({
      max: bounds.maxEntries,
      maxSize: bounds.maxBytes,
      // lru-cache needs a positive size; an empty body still costs its entry.
      sizeCalculation: (response) => Math.max(1, response.bytes),
    });
    const inFlight = new Map<string, Promise<UpstreamResponse>>();
    return (request, options) => {
      const ttl = request.policy.cacheTtlMs;
      if (ttl === undefined) return next(request, options);
      const key = cacheKey(request);
      const cached = cache.get(key) ?? inFlight.get(key);
      if (cached) {
        if (options.observer) options.observer.cacheHits += 1;
        return cached instanceof Promise ? cached : Promise.resolve(cached);
      }
      const call = next(request, options).then(
        (response) => {
          inFlight.delete(key);
          // Too big for the whole cache: lru-cache would refuse it anyway; skip the work.
          if (response.bytes <= bounds.maxBytes) cache.set(key, response, { ttl });
          return response;
        },
        (error: unknown) => {
          inFlight.delete(key);
          throw error;
        },
      );
      inFlight.set(key, call);
      return call;
    };
  };
}

function cacheKey(request: UpstreamRequest): string {
  let key = `${request.operation}\n${request.method} ${request.path}\n${request.body ?? ''}`;
  for (const name of request.policy.cacheKeyHeaders) key += `\n${request.headers[name] ?? ''}`;
  return key;
}
