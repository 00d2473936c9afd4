import { ErrorCodes } from '../errors/codes.ts';
import type { BatchAnswerConfig, ConfigPath } from './types.ts';
import { checkKeys, describe, readMapping, readOneOf, readString, report, type Checker, type Mapping } from './shape-checker.ts';

/** The keys of `batch.answer:`. */
const ANSWER_KEYS = ['kind', 'keyPath', 'valuePath'] as const;
const ANSWER_KINDS: readonly BatchAnswerConfig['kind'][] = ['list', 'grouped', 'map'];
/** Composite key fields are named in `@source(key: { tenantId: "…" })`, so they must be GraphQL names. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What `batch:` says about the answer's layout and the key's parts (answer, keyFields, keySeparator). */
export interface BatchAnswerShape {
  answer: BatchAnswerConfig;
  keyFields: readonly string[] | undefined;
  keySeparator: string;
}

/**
 * Reads `answer:`, `keyFields:` and `keySeparator:` of one `batch:` mapping and reports every
 * problem at its position. A flat list needs `keyField` or `keyFields`; a grouped answer needs
 * `keyPath` or `keyFields`; a map answer is keyed by its property names and needs neither.
 */
export function readBatchAnswerShape(c: Checker, batch: Mapping, at: ConfigPath): BatchAnswerShape {
  const answer = batch.answer === undefined ? ({ kind: 'list' } as const) : readAnswer(c, batch.answer, [...at, 'answer']);
  const keyFields = batch.keyFields === undefined ? undefined : readKeyFields(c, batch.keyFields, [...at, 'keyFields']);
  if (keyFields && batch.keyField !== undefined) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected either keyField (one key field) or keyFields (a composite key), not both', [...at, 'keyFields'], 'key');
  }
  let keySeparator = ':';
  if (batch.keySeparator !== undefined) {
    const text = readString(c, batch, at, 'keySeparator', 'a non-empty string, e.g. ":"');
    if (text === '') report(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected a non-empty string, e.g. ":"; got ""', [...at, 'keySeparator']);
    else if (text !== undefined && batch.keyFields === undefined) {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected keySeparator only with keyFields: it separates the parts of a composite key', [...at, 'keySeparator'], 'key');
    } else if (text !== undefined) keySeparator = text;
  }
  const kind = answer?.kind;
  if (kind === 'list' && batch.keyField === undefined && batch.keyFields === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected key "keyField" (the dot path in each returned item that equals its key); it is missing', [...at, 'keyField'], 'key');
  }
  if (kind === 'grouped' && answer?.kind === 'grouped' && answer.keyPath === '' && keyFields === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected key "keyPath" (the dot path in each group that equals its key), or batch.keyFields; it is missing', [...at, 'answer', 'keyPath'], 'key');
  }
  if (kind === 'grouped' && keyFields && batch.answer !== undefined && (batch.answer as Mapping).keyPath !== undefined) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected either answer.keyPath or batch.keyFields, not both', [...at, 'answer', 'keyPath'], 'key');
  }
  return { answer: answer ?? { kind: 'list' }, keyFields, keySeparator };
}

function readAnswer(c: Checker, value: unknown, at: ConfigPath): BatchAnswerConfig | undefined {
  const answer = readMapping(c, value, at, 'a mapping such as { kind: grouped, keyPath: customerId, valuePath: orders }');
  if (!answer) return undefined;
  checkKeys(c, answer, at, ANSWER_KEYS);
  const kind = answer.kind === undefined ? 'list' : readOneOf(c, answer.kind, [...at, 'kind'], ANSWER_KINDS);
  const path = (key: 'keyPath' | 'valuePath'): string => {
    if (answer[key] === undefined) return '';
    return readString(c, answer, at, key, 'a dot path, e.g. "orders" or "data.items"') ?? '';
  };
  const keyPath = path('keyPath');
  const valuePath = path('valuePath');
  if (kind !== 'grouped' && answer.keyPath !== undefined) {
    const why = kind === 'map' ? 'a map answer is keyed by its property names' : 'a list answer is matched by batch.keyField';
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected keyPath only with kind: grouped (${why})`, [...at, 'keyPath'], 'key');
  }
  if (kind === 'list' && answer.valuePath !== undefined) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected valuePath only with kind: grouped or map (a list answer\'s items are the values)', [...at, 'valuePath'], 'key');
  }
  if (kind === 'grouped') {
    if (answer.valuePath === undefined) {
      report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected key "valuePath" (the dot path in each group to its list of items or its one item, e.g. "orders"); it is missing', [...at, 'valuePath'], 'key');
    }
    return { kind, keyPath, valuePath };
  }
  if (kind === 'map') return { kind, valuePath };
  return kind === 'list' ? { kind } : undefined;
}

function readKeyFields(c: Checker, value: unknown, at: ConfigPath): readonly string[] | undefined {
  if (!Array.isArray(value) || value.length < 2) {
    const got = Array.isArray(value) ? `a list of ${value.length}` : describe(value);
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of two or more field names, e.g. [tenantId, customerId] (use keyField for one); got ${got}`, at);
    return undefined;
  }
  const names: string[] = [];
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a field name (a letter or _, then letters, digits or _); got ${describe(name)}`, [...at, i]);
    } else if (names.includes(name)) {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected each key field once; got "${name}" twice`, [...at, i]);
    } else names.push(name);
  });
  return names.length === value.length ? Object.freeze(names) : undefined;
}
