import { hash, timingSafeEqual } from 'node:crypto';
import type { CallersConfig } from '../config/types.ts';
import { callerIdentity, type CallerIdentity } from './caller-identity.ts';

/** Longer presented keys are refused before hashing: no caller makes the gateway hash megabytes. */
const MAX_KEY_LENGTH = 512;

/** The hash config stores for an API key: sha256, lowercase hex (what `tessera hash-key` prints). */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

interface KeyEntry {
  digest: Buffer;
  identity: CallerIdentity;
}

/**
 * The declared API keys, by the sha256 of each. A presented key is hashed once and looked up;
 * the match is then confirmed with `timingSafeEqual` on the digests, so no comparison of secret
 * material ends early. (The lookup itself works on a hash of the key, which tells a timing
 * attacker nothing about the key.) Several keys per caller make rotation a config edit: add the
 * new hash, move the callers over, remove the old one.
 */
export class ApiKeyIndex {
  readonly #byHash = new Map<string, KeyEntry>();
  /**
   * Keys already proven, as presented: a caller sends the same key on every request, and its
   * sha256 is a fifth of a request's own CPU on the hot path. Only keys that matched a declared
   * hash get here, so the map holds at most one entry per declared key (no caller can grow it
   * with made-up keys), and it lives as long as this index: a reload that removes a key builds a
   * new index without it. Looking a string up hashes all of it and compares it whole only with
   * a stored key of the same hash, so it tells a timing attacker nothing a network could carry.
   */
  readonly #proven = new Map<string, CallerIdentity>();

  constructor(config: CallersConfig) {
    for (const [id, caller] of Object.entries(config.callers)) {
      const identity = callerIdentity(id, caller.scopes, 'api-key');
      for (const hash of caller.keyHashes) this.#byHash.set(hash, { digest: Buffer.from(hash, 'hex'), identity });
    }
  }

  get size(): number {
    return this.#byHash.size;
  }

  /** The caller whose key this is, or undefined. */
  lookup(key: string): CallerIdentity | undefined {
    const proven = this.#proven.get(key);
    if (proven) return proven;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
    // crypto.hash: one call, no Hash object per request.
    const digest = hash('sha256', key, 'buffer');
    const entry = this.#byHash.get(digest.toString('hex'));
    if (!entry || !timingSafeEqual(entry.digest, digest)) return undefined;
    // Bounded by the declared keys: a key is only ever added once it matched one.
    if (this.#proven.size < this.#byHash.size) this.#proven.set(key, entry.identity);
    return entry.identity;
  }
}
