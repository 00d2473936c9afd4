import { ErrorCodes } from '../errors/codes.ts';
import type { ConfigPath, ForwardedHeader } from './types.ts';
import { checkKeys, describe, isMapping, report, type Checker, type Mapping } from './shape-checker.ts';

/** An HTTP field name (RFC 9110 §5.1: a token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Hop-by-hop and framing headers (RFC 9110 §7.6.1, §6.4): they describe one connection, not the
 * request, so passing a caller's value on would corrupt the upstream call.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

/** Headers the gateway itself sets on every upstream call; a caller's value must never replace them. */
const GATEWAY_OWNED = new Set(['x-request-id', 'x-tessera-deadline-ms', 'content-type']);

const RENAME_KEYS = ['from', 'to'] as const;

/**
 * Reads `forwardHeaders:` of a connector: a list of caller header names to pass on, each a name
 * (`authorization`) or a rename (`{ from: x-tenant, to: x-tenant-id }`). Names are lowercased, so
 * the per-call work is a lookup in Node's already-lowercased request headers. Hop-by-hop headers,
 * the gateway's own headers, a target sent twice, and a target the connector also sets from
 * `headers:` are refused: each would make the upstream call depend on which copy wins.
 */
export function readForwardHeaders(c: Checker, value: unknown, staticHeaders: Readonly<Record<string, string>>): ForwardedHeader[] {
  if (value === undefined) return [];
  const at: ConfigPath = ['forwardHeaders'];
  if (!Array.isArray(value)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of caller header names, e.g. [authorization, x-tenant-id], or renames { from: x-tenant, to: x-tenant-id }; got ${describe(value)}`, at);
    return [];
  }
  const staticNames = new Set(Object.keys(staticHeaders).map((name) => name.toLowerCase()));
  const out: ForwardedHeader[] = [];
  const targets = new Set<string>();
  value.forEach((item: unknown, i) => {
    const entry = readEntry(c, item, [...at, i]);
    if (!entry) return;
    if (targets.has(entry.to)) {
      report(c, ErrorCodes.CONFIG_DUPLICATE_NAME, `expected each upstream header once; "${entry.to}" is forwarded twice`, [...at, i]);
      return;
    }
    if (staticNames.has(entry.to)) {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a header that "headers:" does not set; "${entry.to}" is set there too, so one value would silently win`, [...at, i]);
      return;
    }
    targets.add(entry.to);
    out.push(entry);
  });
  return out;
}

function readEntry(c: Checker, item: unknown, at: ConfigPath): ForwardedHeader | undefined {
  if (typeof item === 'string') {
    const name = readName(c, item, at);
    return name === undefined ? undefined : { from: name, to: name };
  }
  if (!isMapping(item)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a header name or { from: <caller header>, to: <upstream header> }; got ${describe(item)}`, at);
    return undefined;
  }
  checkKeys(c, item, at, RENAME_KEYS);
  const from = readRenamePart(c, item, at, 'from');
  const to = readRenamePart(c, item, at, 'to');
  return from === undefined || to === undefined ? undefined : { from, to };
}

function readRenamePart(c: Checker, item: Mapping, at: ConfigPath, key: 'from' | 'to'): string | undefined {
  const value = item[key];
  if (value === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, `expected key "${key}" (the ${key === 'from' ? 'caller' : 'upstream'} header name); it is missing`, [...at, key], 'key');
    return undefined;
  }
  if (typeof value !== 'string') {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a header name; got ${describe(value)}`, [...at, key]);
    return undefined;
  }
  return readName(c, value, [...at, key]);
}

/** A lowercased header name that may be forwarded, or undefined after reporting why not. */
function readName(c: Checker, text: string, at: ConfigPath): string | undefined {
  const name = text.trim().toLowerCase();
  if (!TOKEN.test(name)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a header name (letters, digits and !#$%&'*+.^_\`|~-); got ${JSON.stringify(text)}`, at);
    return undefined;
  }
  if (HOP_BY_HOP.has(name) || name.startsWith('proxy-')) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an end-to-end header; "${name}" is hop-by-hop (it describes the caller's connection) and is never forwarded`, at);
    return undefined;
  }
  if (GATEWAY_OWNED.has(name)) {
    const why = name === 'x-request-id' ? 'every upstream call already carries the request id' : 'the gateway sets it on every upstream call';
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a header the gateway does not set; "${name}" is the gateway's own (${why})`, at);
    return undefined;
  }
  return name;
}
