import type { CompiledOperation } from '../blueprint/index.ts';
import { readPath } from '../util/read-path.ts';
import { readBatchAnswer } from './read-batch-answer.ts';
import { readResultItems } from './read-result.ts';
import { unmatchedKeys } from './unmatched-keys.ts';

/**
 * Each key's item from a batch answer, matched by key, never by position: upstreams may reorder,
 * drop or add items. A key with no item gets what unmatched-keys.ts says: [] for a one-to-many
 * operation, else a FetchFailure (UPSTREAM_ENTITY_NOT_FOUND); when no item has the key field at
 * all, the whole answer is refused (UPSTREAM_BAD_RESPONSE).
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
  let unmatched: ((key: unknown) => unknown) | undefined;
  return keys.map((key) => {
    const found = byKey.get(String(key));
    if (found !== undefined) return found;
    return (unmatched ??= unmatchedKeys(op, items, keyPath))(key);
  });
}

/**
 * Each key's item from a batch call's answer body: the list at the operation's result path,
 * matched by key (matchItems). Throws UPSTREAM_BAD_RESPONSE when the path is absent or holds no
 * list (null is no items), or when no item has the key field.
 */
export function batchAnswerItems(op: CompiledOperation, body: unknown, keys: readonly unknown[]): unknown[] {
  // Grouped and map answers and composite keys (blueprint/compile-batch-answer.ts); the flat list stays on this path.
  if (op.answerReader !== undefined) return readBatchAnswer(op, op.answerReader, body, keys);
  return matchItems(op, readResultItems(op, body), keys);
}
