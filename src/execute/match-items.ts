import type { CompiledOperation } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { readPath } from '../util/read-path.ts';
import { FetchFailure } from './fetch-failure.ts';
import { readBatchAnswer } from './read-batch-answer.ts';

/**
 * Each key's item from a batch answer, matched by key, never by position: upstreams may reorder,
 * drop or add items. A key with no item gets [] for a one-to-many operation, else a FetchFailure
 * (UPSTREAM_ENTITY_NOT_FOUND).
 */
function matchItems(op: CompiledOperation, items: readonly unknown[], keys: readonly unknown[]): unknown[] {
  const batch = op.batch!;
  const byKey = new Map<string, unknown>();
  const keyPath = batch.keyField.split('.');
  for (const item of items) {
    const k = readPath(item, keyPath);
    if (k === undefined || k === null) continue;
    const ks = String(k);
    if (batch.many) {
      const list = byKey.get(ks) as unknown[] | undefined;
      if (list) list.push(item);
      else byKey.set(ks, [item]);
    } else if (!byKey.has(ks)) {
      byKey.set(ks, item);
    }
  }
  return keys.map((key) => {
    const found = byKey.get(String(key));
    if (found !== undefined) return found;
    if (batch.many) return [];
    return new FetchFailure(
      new UpstreamError(ErrorCodes.UPSTREAM_ENTITY_NOT_FOUND, `Upstream ${op.id} returned no item for key "${String(key)}".`, {
        details: { connector: op.connector, operation: op.name },
        httpStatus: 404,
      }),
    );
  });
}

/**
 * Each key's item from a batch call's answer body: the list at the operation's result path,
 * matched by key (matchItems). Throws UPSTREAM_BAD_RESPONSE when there is no list there.
 */
export function batchAnswerItems(op: CompiledOperation, body: unknown, keys: readonly unknown[]): unknown[] {
  // Grouped and map answers and composite keys (blueprint/compile-batch-answer.ts); the flat list stays on this path.
  if (op.answerReader !== undefined) return readBatchAnswer(op, op.answerReader, body, keys);
  const items = readPath(body, op.resultPath);
  if (!Array.isArray(items)) {
    throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${op.id} answered without a list of items.`, {
      details: { connector: op.connector, operation: op.name },
    });
  }
  return matchItems(op, items, keys);
}
