import { performance } from 'node:perf_hooks';
import { deepFreeze } from '../util/deep-freeze.ts';
import { LRUCache } from 'lru-cache';

interface Stored {
  value: unknown;
  storedAt: number;
}

/**
 * The last good value of fields declared `@fallback(staleForMs:)`, served when their upstream
 * fails (stale-if-error). Bounded in entries (lru-cache); each entry expires after its field's
 * `staleForMs`, so a value older than that is never served.
 */
export class StaleStore {
  readonly #cache: LRUCache<string, Stored>;

  constructor(options: { maxEntries: number }) {
    this.#cache = new LRUCache({ max: options.maxEntries });
  }

  remember(key: string, value: unknown, staleForMs: number): void {
    this.#cache.set(key, { value, storedAt: performance.now() }, { ttl: staleForMs });
  }

  /** The stored value and how old it is, or undefined when there is none (or it expired). */
  recall(key: string): { value: unknown; ageMs: number } | undefined {
    const stored = this.#cache.get(key);
    // Served to requests other than the one that fetched it: frozen, like cached answers
    // (response-cache.ts). Frozen here, not in remember(), which runs on every good fetch, where
    // this runs only when an upstream fails; a frozen value returns at once.
    return stored && { value: deepFreeze(stored.value), ageMs: Math.round(performance.now() - stored.storedAt) };
  }
}
