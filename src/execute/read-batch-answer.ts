import type { BatchAnswerReader, CompiledOperation } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { readResult } from './read-result.ts';
import { FetchFailure } from './fetch-failure.ts';

/**
 * Each key's value from a batch answer laid out as `batch.answer` says (grouped, keyed map) or
 * keyed by several fields: matched by key, never by position. A key with no value gets [] for a
 * one-to-many operation, else a FetchFailure (UPSTREAM_ENTITY_NOT_FOUND), as for a flat list.
 */
export function readBatchAnswer(op: CompiledOperation, reader: BatchAnswerReader, body: unknown, keys: readonly unknown[]): unknown[] {
  // A result path the body does not have is refused with its diagnosis; null there is no entries.
  const at = readResult(op, body) ?? (reader.kind === 'map' ? {} : []);
  if (reader.kind === 'map') {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) throw badResponse(op, 'an object keyed by the keys');
    const entries = at as Record<string, unknown>;
    return keys.map((key) => {
      const name = reader.propertyOf(key);
      const entry = Object.hasOwn(entries, name) ? entries[name] : undefined;
      return settle(op, reader, key, entry === undefined || entry === null ? undefined : reader.valueOf(entry));
    });
  }
  if (!Array.isArray(at)) throw badResponse(op, reader.kind === 'grouped' ? 'a list of groups' : 'a list of items');
  const byKey = new Map<string, unknown>();
  const grouped = reader.kind === 'grouped';
  for (const entry of at as unknown[]) {
    const id = reader.keyOf(entry);
    if (id === undefined) continue;
    const value = grouped ? reader.valueOf(entry) : entry;
    if (value === undefined || value === null) continue;
    if (!reader.many) {
      if (!byKey.has(id)) byKey.set(id, value);
      continue;
    }
    // Two groups for one key (a paged or split answer) add up; a list item is one of its key's many.
    const list = byKey.get(id) as unknown[] | undefined;
    const more = grouped && Array.isArray(value) ? value : [value];
    if (list) list.push(...more);
    else byKey.set(id, grouped && Array.isArray(value) ? [...value] : more);
  }
  return keys.map((key) => settle(op, reader, key, byKey.get(String(key))));
}

/** A key's value, [] for a one-to-many key with none, or the not-found failure. */
function settle(op: CompiledOperation, reader: BatchAnswerReader, key: unknown, value: unknown): unknown {
  if (reader.many) {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
  }
  if (value !== undefined) return value;
  return new FetchFailure(
    new UpstreamError(ErrorCodes.UPSTREAM_ENTITY_NOT_FOUND, `Upstream ${op.id} returned no item for key "${reader.propertyOf(key)}".`, {
      details: { connector: op.connector, operation: op.name },
      httpStatus: 404,
    }),
  );
}

function badResponse(op: CompiledOperation, expected: string): UpstreamError {
  return new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${op.id} answered without ${expected}.`, {
    details: { connector: op.connector, operation: op.name },
  });
}
