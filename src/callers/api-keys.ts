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
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
    // crypto.hash: one call, no Hash object per request.
    const digest = hash('sha256', key, 'buffer');
    const entry = this.#byHash.get(digest.toString('hex'));
    return entry && timingSafeEqual(entry.digest, digest) ? entry.identity : undefined;
  }
}
