import type { BatchConfig } from '../config/types.ts';
import { CompositeKey, tupleId } from '../util/composite-key.ts';
import { readPath } from '../util/read-path.ts';

/**
 * How one batched operation's answer is read, compiled once at boot: closures over pre-split
 * paths, so reading an answer does no string work but the keys' own. The flat list keyed by one
 * field (today's `keyField`) has no reader: execute/match-items.ts reads it on its own path.
 */
export interface BatchAnswerReader {
  kind: 'list' | 'grouped' | 'map';
  many: boolean;
  /** List items or groups: the name of the key an entry answers (as `String(key)` names it), or undefined when it has none. */
  keyOf(entry: unknown): string | undefined;
  /** Groups and map entries: the value inside (a list of items or one item). */
  valueOf(entry: unknown): unknown;
  /** Map answers: the property name a key's entry is found under. */
  propertyOf(key: unknown): string;
}

/** The reader for a batch section, or undefined for the flat list keyed by one field. */
export function compileBatchAnswer(batch: BatchConfig): BatchAnswerReader | undefined {
  const { answer, keyFields, keySeparator, many } = batch;
  if (answer.kind === 'list' && !keyFields) return undefined;
  const keyOf = keyFields ? compositeKeyOf(keyFields) : answer.kind === 'grouped' ? singleKeyOf(split(answer.keyPath)) : singleKeyOf(split(batch.keyField));
  const valuePath = answer.kind === 'list' ? [] : split(answer.valuePath);
  const valueOf = valuePath.length === 0 ? (entry: unknown) => entry : (entry: unknown) => readPath(entry, valuePath);
  const propertyOf = keyFields ? (key: unknown) => (key instanceof CompositeKey ? key.text(keySeparator) : String(key)) : (key: unknown) => String(key);
  return Object.freeze({ kind: answer.kind, many, keyOf, valueOf, propertyOf });
}

/** How explain names the layout an operation's answers are read in: `list by id`, `grouped by customerId → orders`, `map → item`. */
export function describeBatchAnswer(batch: BatchConfig): string {
  const { answer, keyFields } = batch;
  const key = keyFields ? `(${keyFields.join(', ')})` : answer.kind === 'grouped' ? answer.keyPath : batch.keyField;
  const value = answer.kind === 'list' ? '' : ` → ${answer.valuePath || 'entry'}`;
  const by = answer.kind === 'map' ? (keyFields ? ` by ${key}` : '') : ` by ${key}`;
  return `${answer.kind}${by}${value}${batch.many ? ' (many per key)' : ''}`;
}

function split(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

function singleKeyOf(path: readonly string[]): (entry: unknown) => string | undefined {
  return (entry) => {
    const k = readPath(entry, path);
    return k === undefined || k === null ? undefined : String(k);
  };
}

function compositeKeyOf(names: readonly string[]): (entry: unknown) => string | undefined {
  const paths = names.map((name) => [name]);
  return (entry) => {
    const parts = new Array<unknown>(paths.length);
    for (let i = 0; i < paths.length; i++) {
      const part = readPath(entry, paths[i]!);
      if (part === undefined || part === null) return undefined;
      parts[i] = part;
    }
    return tupleId(parts);
  };
}
