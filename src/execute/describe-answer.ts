import type { SourceLocation } from '../errors/gateway-error.ts';

/** More names than this read as noise in a one-line diagnosis; the rest are counted. */
const MAX_NAMES = 12;

/**
 * Describes the part of an upstream answer that did not fit, for a diagnosis: by its kind and
 * its keys, never its values, so no upstream data reaches a log line or an error.
 */
export function describeAnswerPart(value: unknown): { kind: string; keys: string[] | undefined } {
  if (value === null) return { kind: 'null', keys: undefined };
  if (Array.isArray(value)) return { kind: `a list of ${value.length}`, keys: undefined };
  if (typeof value === 'object') return { kind: 'an object', keys: Object.keys(value) };
  return { kind: `a ${typeof value}`, keys: undefined };
}

/** `"a", "b" and 3 more`, or `no keys at all`. */
export function quoteNames(names: readonly string[]): string {
  if (names.length === 0) return 'no keys at all';
  const shown = names.slice(0, MAX_NAMES).map((n) => JSON.stringify(n));
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** `file:line:col`, as config errors print it. */
export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}
