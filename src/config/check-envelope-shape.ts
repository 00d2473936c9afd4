import { ErrorCodes } from '../errors/codes.ts';
import type { ConfigPath, EnvelopeConfig } from './types.ts';
import { checkKeys, describe, readBoolean, readMapping, readString, report, type Checker, type Mapping } from './shape-checker.ts';

const ENVELOPE_KEYS = ['failWhen', 'data', 'code', 'message', 'messageSafe', 'retryOn'] as const;
const PATH_HINT = 'a dot path into the response body, e.g. "data"';

/**
 * Reads `envelope:` (connector or operation): an answer that says in its body whether it failed.
 * The `failWhen` expression is only read here; blueprint/ compiles it and points into it.
 */
export function readEnvelope(c: Checker, owner: Mapping, at: ConfigPath): EnvelopeConfig | false | undefined {
  if (owner.envelope === undefined) return undefined;
  // An operation of an enveloped connector that answers plainly (a health check) opts out.
  if (owner.envelope === false && at.length > 0) return false;
  const where = [...at, 'envelope'];
  const what = at.length > 0 ? ', or false for none' : '';
  const envelope = readMapping(c, owner.envelope, where, `a mapping with any of the keys ${ENVELOPE_KEYS.join(', ')}${what}`);
  if (!envelope) return undefined;
  checkKeys(c, envelope, where, ENVELOPE_KEYS);
  const optional = (key: string, what: string) => (envelope[key] === undefined ? undefined : readString(c, envelope, where, key, what));
  const failWhen = optional('failWhen', 'a CEL expression over body, e.g. "body.code != 0"');
  const code = optional('code', PATH_HINT.replace('"data"', '"code"'));
  const message = optional('message', PATH_HINT.replace('"data"', '"msg"'));
  if (envelope.retryOn !== undefined && envelope.failWhen === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected key "failWhen" (when an answer is a failure) next to "retryOn"; it is missing', [...where, 'failWhen'], 'key');
  }
  return {
    failWhen,
    data: optional('data', PATH_HINT) ?? '',
    code,
    message,
    messageSafe: readBoolean(c, envelope, where, 'messageSafe') ?? false,
    retryOn: readRetryOn(c, envelope.retryOn, [...where, 'retryOn']),
  };
}

/** Upstream codes worth a retry: strings or numbers, compared with the body's value as text. */
function readRetryOn(c: Checker, value: unknown, at: ConfigPath): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of upstream codes (strings or numbers), e.g. [503, "BUSY"]; got ${describe(value)}`, at);
    return [];
  }
  const codes: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item === 'string' || typeof item === 'number') codes.push(String(item));
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an upstream code (a string or a number); got ${describe(item)}`, [...at, i]);
  });
  return codes;
}
