import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { UpstreamResponse } from '../transports/transport.ts';
import { deepFreeze } from '../util/deep-freeze.ts';

/**
 * How an answer is stored in Redis: V8's structured serialisation, which keeps what JSON would
 * lose in an upstream body (gRPC's 64-bit integers as BigInt, bytes as Buffers). The key's
 * namespace carries ENTRY_FORMAT, so a replica never reads an entry written in another format.
 */
export const ENTRY_FORMAT = 'v1';

/** The answer as bytes; undefined when it cannot be serialised (it then stays in the replica's own cache). */
export function encodeEntry(response: UpstreamResponse): Buffer | undefined {
  try {
    return serialize({ status: response.status, body: response.body, bytes: response.bytes });
  } catch {
    return undefined;
  }
}

/** The stored answer, frozen like any cached one (several requests read it); undefined when unreadable. */
export function decodeEntry(bytes: Buffer): UpstreamResponse | undefined {
  try {
    const value = deserialize(bytes) as Partial<UpstreamResponse> | null;
    if (!value || typeof value.status !== 'number' || typeof value.bytes !== 'number') return undefined;
    deepFreeze(value.body);
    return { status: value.status, body: value.body, bytes: value.bytes };
  } catch {
    return undefined;
  }
}

/**
 * A call's key as Redis sees it: a digest, so keys stay short whatever the call's size, and
 * nothing of a request (ids, headers) is readable in a key listing.
 */
export function digestKey(callKey: string): string {
  return createHash('sha256').update(callKey).digest('base64url');
}
