import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import type { ConfigPath, SourceMap } from './types.ts';

/**
 * The small readers every connector shape check is made of. Each reads one value, reports a
 * problem with its exact position and a message of the form "expected …; got …", and returns
 * undefined for a bad value so the caller can keep checking the rest of the file.
 */

export type Mapping = Record<string, unknown>;

/** Collects the errors of one file; `prefix` (e.g. `connectors.crm`) starts each error's config path. */
export interface Checker {
  prefix: string;
  sourceMap: SourceMap;
  errors: ConfigError[];
}

export function readOneOf<T extends string>(c: Checker, value: unknown, at: ConfigPath, allowed: readonly T[]): T | undefined {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, withHint(`expected one of ${allowed.join(', ')}; got ${describe(value)}`, hint), at);
  return undefined;
}

export function readString(c: Checker, obj: Mapping, at: ConfigPath, key: string, what = 'a string'): string | undefined {
  const value = obj[key];
  if (typeof value === 'string') return value;
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected ${what}; got ${describe(value)}`, [...at, key]);
  return undefined;
}

export function readPositiveInt(c: Checker, obj: Mapping, at: ConfigPath, key: string, max: number): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max) return value;
  const bound = typeof value === 'number' && value > max ? ` of at most ${max}` : '';
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a positive integer${bound}; got ${describe(value)}`, [...at, key]);
  return undefined;
}

/** Headers and query: string values; numbers and booleans are taken as their text (`limit: 10`). */
export function readStringMap(c: Checker, obj: Mapping, at: ConfigPath, key: string): Record<string, string> {
  if (obj[key] === undefined) return {};
  const map = readMapping(c, obj[key], [...at, key], `a mapping of ${key === 'query' ? 'query parameter' : 'header'} names to strings`) ?? {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(map)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a string; got ${describe(value)}`, [...at, key, name]);
  }
  return out;
}

export function readMapping(c: Checker, value: unknown, at: ConfigPath, what: string): Mapping | undefined {
  if (isMapping(value)) return value;
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected ${what}; got ${describe(value)}`, at);
  return undefined;
}

export function checkKeys(c: Checker, obj: Mapping, at: ConfigPath, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const message = withHint(`expected one of the keys ${allowed.join(', ')}; got "${key}"`, didYouMean(key, allowed));
    report(c, ErrorCodes.CONFIG_UNKNOWN_KEY, message, [...at, key], 'key');
  }
}

/** Misspelt keys and bad names point at the key; wrong values at the value itself. */
export function report(c: Checker, code: ErrorCode, message: string, at: ConfigPath, part: 'key' | 'value' = 'value'): void {
  c.errors.push(new ConfigError(code, message, { source: c.sourceMap.locate(at, part), configPath: [c.prefix, ...at].join('.') }));
}

export function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Ends the sentence before a did-you-mean hint, which starts with a space. */
export function withHint(message: string, hint: string): string {
  return hint ? `${message}.${hint}` : message;
}

/** How a found value reads in a message: strings quoted, collections by kind. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** An integer in [min, max], e.g. a percentage or a retry count where 0 means "off". */
export function readIntInRange(c: Checker, obj: Mapping, at: ConfigPath, key: string, min: number, max: number): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an integer from ${min} to ${max}; got ${describe(value)}`, [...at, key]);
  return undefined;
}

/** true or false; anything else (including "yes") is reported. */
export function readBoolean(c: Checker, obj: Mapping, at: ConfigPath, key: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || typeof value === 'boolean') return value;
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected true or false; got ${describe(value)}`, [...at, key]);
  return undefined;
}
