import path from 'node:path';
import type { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { BatchConfig, ConfigPath, ConnectorConfig, HttpMethod, OperationConfig, ParamConfig, SourceMap } from './types.ts';
import { CONNECTOR_RESILIENCE_KEYS, OPERATION_RESILIENCE_KEYS, readConnectorResilience, readOperationResilience } from './check-resilience-shape.ts';
import { readBatchAnswerShape } from './check-batch-answer-shape.ts';
import { readEnvelope } from './check-envelope-shape.ts';
import { readPagination } from './check-pagination-shape.ts';
import { readForwardHeaders } from './check-forward-headers.ts';
import { readConnectorIsolation, type TargetRule } from './check-isolation-shape.ts';
import { checkKeys, describe, readBoolean, isMapping, readMapping, readOneOf, readPositiveInt, readString, readStringMap, report, withHint, type Checker, type Mapping } from './shape-checker.ts';
import { TRANSPORT_KINDS } from '../transports/registry.ts';
import { didYouMean } from '../util/did-you-mean.ts';

const CONNECTOR_KEYS = ['name', 'transport', 'baseUrl', 'timeoutMs', 'headers', 'forwardHeaders', 'operations', ...CONNECTOR_RESILIENCE_KEYS, 'envelope', 'readinessCheck', 'isolation', 'shadow'] as const;
const OPERATION_KEYS = ['method', 'path', 'query', 'headers', 'body', 'params', 'batch', 'result', 'timeoutMs', ...OPERATION_RESILIENCE_KEYS, 'envelope', 'pagination', 'mutates'] as const;
const BATCH_KEYS = ['maxSize', 'keyField', 'keyFields', 'keySeparator', 'many', 'keyStyle', 'answer', 'acrossRequests'] as const;
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const KEY_STYLES: readonly BatchConfig['keyStyle'][] = ['comma', 'repeat'];

export const DEFAULT_TIMEOUT_MS = 10_000; // 10 s per upstream call, as docs/config.md promises
// setTimeout silently turns anything above 2^31-1 ms into 1 ms; refuse it here instead.
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Connector and operation names: referenced from `@source(...)` strings, so `-` is allowed. */
export const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const NAME_RULE = 'a letter or _, then letters, digits, _ or -';
/** Param names are referenced as `{name}` in templates, whose grammar has no `-`. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const REQUIRED_HINTS: Record<string, string> = {
  baseUrl: 'the upstream\'s absolute http(s) URL, e.g. "http://127.0.0.1:4101"',
  operations: 'a mapping of operation names to operations',
  path: 'the path template appended to baseUrl, e.g. "/customers/{id}"',
  maxSize: 'the most keys per upstream call, a positive integer',
  keyField: 'the dot path in each returned item that equals its key',
};


/** The connector's name: its `name` key when that is a string, else the file name without extension. */
export function connectorNameOf(value: unknown, file: string): string {
  const name = isMapping(value) ? value.name : undefined;
  return typeof name === 'string' ? name : path.basename(file).replace(/\.ya?ml$/i, '');
}

/**
 * Turns the parsed YAML of one connector file into a ConnectorConfig with every default applied.
 * Checks shape only (keys, types, allowed values) and reports every problem, not just the first;
 * template contents and cross-references are blueprint/'s job. `connector` is set only when
 * the file has no error.
 */
export function checkConnectorShape(value: unknown, sourceMap: SourceMap): { connector: ConnectorConfig | undefined; errors: ConfigError[] } {
  const name = connectorNameOf(value, sourceMap.file);
  const c: Checker = { prefix: `connectors.${name}`, sourceMap, errors: [] };
  if (!isMapping(value)) {
    const got = value === null || value === undefined ? 'an empty file' : describe(value);
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a mapping with keys such as baseUrl and operations; got ${got}`, []);
    return { connector: undefined, errors: c.errors };
  }
  // Another protocol checks its own connector files (transports/<kind>/, registered in transports/registry.ts).
  const kind = typeof value.transport === 'string' && value.transport !== 'http' ? TRANSPORT_KINDS[value.transport] : undefined;
  if (kind?.checkShape) return kind.checkShape(c, name, value);
  checkKeys(c, value, [], CONNECTOR_KEYS);
  checkConnectorName(c, name, value);
  if (value.transport !== undefined && value.transport !== 'http') {
    const kinds = Object.keys(TRANSPORT_KINDS);
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, withHint(`expected one of ${kinds.join(', ')}; got ${describe(value.transport)}`, typeof value.transport === 'string' ? didYouMean(value.transport, kinds) : ''), ['transport']);
  }
  const baseUrl = required(c, value, [], 'baseUrl') ? readBaseUrl(c, value.baseUrl) : undefined;
  const timeoutMs = readPositiveInt(c, value, [], 'timeoutMs', MAX_TIMEOUT_MS);
  const headers = readStringMap(c, value, [], 'headers');
  const forwardHeaders = readForwardHeaders(c, value.forwardHeaders, headers);
  const resilience = readConnectorResilience(c, value);
  const envelope = readEnvelope(c, value, []) || undefined;
  const readinessCheck = readBoolean(c, value, [], 'readinessCheck');
  const { isolation, shadow } = readConnectorIsolation(c, value, HTTP_TARGET, baseUrl);
  const operations: Record<string, OperationConfig> = {};
  if (required(c, value, [], 'operations')) {
    const ops = readMapping(c, value.operations, ['operations'], 'a mapping of operation names to operations');
    for (const [opName, op] of Object.entries(ops ?? {})) {
      const at = ['operations', opName];
      if (!NAME.test(opName)) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an operation name (${NAME_RULE}); got "${opName}"`, at, 'key');
      const checked = checkOperation(c, opName, op, at);
      if (checked) operations[opName] = checked;
    }
  }
  for (const op of Object.values(operations)) {
    for (const header of Object.keys(op.headers)) {
      if (forwardHeaders.some((f) => f.to === header.toLowerCase())) {
        const message = `expected a header that forwardHeaders does not pass on; "${header.toLowerCase()}" is forwarded from the caller too, so one value would silently win`;
        report(c, ErrorCodes.CONFIG_INVALID_VALUE, message, ['operations', op.name, 'headers', header], 'key');
      }
    }
  }
  if (c.errors.length > 0) return { connector: undefined, errors: c.errors };
  return {
    connector: {
      name,
      transport: 'http',
      baseUrl: baseUrl!,
      headers,
      forwardHeaders,
      timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      resilience,
      ...(envelope ? { envelope } : {}),
      ...(readinessCheck ? { readinessCheck } : {}),
      ...(isolation ? { isolation } : {}),
      ...(shadow ? { shadow } : {}),
      operations,
      sourceMap,
    },
    errors: [],
  };
}

/** The connector's name, from its `name` key or its file name, must be a name. */
export function checkConnectorName(c: Checker, name: string, value: Mapping): void {
  if (value.name === undefined && !NAME.test(name)) {
    const file = path.basename(c.sourceMap.file);
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected the file name "${file}" to make a connector name (${NAME_RULE}), or a "name" key; got "${name}"`, [], 'key');
  } else if (value.name !== undefined) {
    readName(c, value, [], 'name', 'a connector name');
  }
}

// In checkOperation and readBatch, fallbacks such as `?? ''` only stand in for values that were
// reported as errors; a connector with any error is discarded, so they never reach blueprint/.
function checkOperation(c: Checker, name: string, value: unknown, at: ConfigPath): OperationConfig | undefined {
  const op = readMapping(c, value, at, 'an operation: a mapping with at least a "path" key');
  if (!op) return undefined;
  checkKeys(c, op, at, OPERATION_KEYS);
  let method: HttpMethod = 'GET';
  if (op.method !== undefined) method = readOneOf(c, op.method, [...at, 'method'], METHODS) ?? method;
  const opPath = required(c, op, at, 'path') ? readString(c, op, at, 'path') : undefined;
  const result = op.result === undefined ? '' : readString(c, op, at, 'result', 'a dot path into the response body, e.g. "data.items"');
  const resilience = readOperationResilience(c, op, at);
  // Sharing an answer is only sound for a call that does the same thing however often it is made.
  if (resilience.coalesce && !(resilience.idempotent ?? method === 'GET')) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected coalesce only on an idempotent operation (GET, or idempotent: true); this ${method} is not`, [...at, 'coalesce']);
  }
  const envelope = readEnvelope(c, op, at);
  const pagination = readPagination(c, op, at);
  const mutates = readBoolean(c, op, at, 'mutates');
  return {
    name,
    method,
    path: opPath ?? '',
    query: readStringMap(c, op, at, 'query'),
    headers: readStringMap(c, op, at, 'headers'),
    body: op.body,
    params: readParams(c, op.params, [...at, 'params']),
    batch: op.batch === undefined ? undefined : readBatch(c, op.batch, [...at, 'batch']),
    result: result ?? '',
    timeoutMs: readPositiveInt(c, op, at, 'timeoutMs', MAX_TIMEOUT_MS),
    resilience,
    ...(envelope !== undefined ? { envelope } : {}),
    ...(pagination ? { pagination } : {}),
    ...(mutates ? { mutates } : {}),
  };
}

/** A `batch` section: maxSize, keyField (or answer, keyFields) and the flags, defaults applied. */
export function readBatch(c: Checker, value: unknown, at: ConfigPath): BatchConfig | undefined {
  const batch = readMapping(c, value, at, 'a mapping with maxSize and keyField (or answer, keyFields)');
  if (!batch) return undefined;
  checkKeys(c, batch, at, BATCH_KEYS);
  const maxSize = required(c, batch, at, 'maxSize') ? readPositiveInt(c, batch, at, 'maxSize', Number.MAX_SAFE_INTEGER) : undefined;
  // A missing keyField is reported by readBatchAnswerShape: grouped and map answers, and composite keys, need none.
  const keyField = batch.keyField !== undefined ? readString(c, batch, at, 'keyField') : undefined;
  const shape = readBatchAnswerShape(c, batch, at);
  const many = readFlag(c, batch, at, 'many');
  const acrossRequests = readFlag(c, batch, at, 'acrossRequests');
  const keyStyle = batch.keyStyle === undefined ? 'comma' : readOneOf(c, batch.keyStyle, [...at, 'keyStyle'], KEY_STYLES);
  return { maxSize: maxSize ?? 1, keyField: keyField ?? '', many, keyStyle: keyStyle ?? 'comma', acrossRequests, ...shape };
}

/** An optional true/false key, false when absent. */
function readFlag(c: Checker, mapping: Mapping, at: ConfigPath, key: string): boolean {
  const value = mapping[key];
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected true or false; got ${describe(value)}`, [...at, key]);
  return false;
}

/** `id: ID!` → `{ id: { type: 'ID!' } }`; the type is checked for GraphQL type syntax only. */
export function readParams(c: Checker, value: unknown, at: ConfigPath): Record<string, ParamConfig> {
  if (value === undefined) return {};
  const params = readMapping(c, value, at, 'a mapping of param names to GraphQL types, e.g. "id: ID!"') ?? {};
  const out: Record<string, ParamConfig> = {};
  for (const [name, type] of Object.entries(params)) {
    if (!PARAM_NAME.test(name)) {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a param name (a letter or _, then letters, digits or _); got "${name}"`, [...at, name], 'key');
    }
    if (typeof type === 'string' && isTypeSyntax(type.trim())) out[name] = { type: type.trim() };
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a GraphQL input type such as ID!, Int, [ID!] or [String!]!; got ${describe(type)}`, [...at, name]);
  }
  return out;
}

/** `Name`, `Name!`, `[T]`, `[T]!`, with lists nesting as in GraphQL's grammar. */
function isTypeSyntax(type: string): boolean {
  const inner = type.endsWith('!') ? type.slice(0, -1) : type;
  if (inner.startsWith('[') && inner.endsWith(']')) return isTypeSyntax(inner.slice(1, -1));
  return TYPE_NAME.test(inner);
}

function readBaseUrl(c: Checker, value: unknown): string | undefined {
  if (isHttpUrl(value)) return value;
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an absolute http(s) URL, e.g. "http://127.0.0.1:4101"; got ${describe(value)}`, ['baseUrl']);
  return undefined;
}

function isHttpUrl(value: unknown): value is string {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  return url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:');
}

/** An HTTP connector's shadow target: another absolute URL, and per operation maybe another path. */
const HTTP_TARGET: TargetRule = {
  key: 'baseUrl',
  check: (value) => (isHttpUrl(value) ? undefined : 'expected the shadow upstream\'s absolute http(s) URL, e.g. "http://127.0.0.1:5101"'),
  pathOverride: true,
};

/** Reports a name key that is not a connector/operation name. */
export function readName(c: Checker, obj: Mapping, at: ConfigPath, key: string, what: string): void {
  const value = obj[key];
  if (typeof value !== 'string' || !NAME.test(value)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected ${what} (${NAME_RULE}); got ${describe(value)}`, [...at, key]);
  }
}






/** Reports a missing required key at the mapping that should hold it; true when present. */
export function required(c: Checker, obj: Mapping, at: ConfigPath, key: string): boolean {
  if (obj[key] !== undefined) return true;
  const hint = REQUIRED_HINTS[key] ? ` (${REQUIRED_HINTS[key]})` : '';
  report(c, ErrorCodes.CONFIG_MISSING_KEY, `expected key "${key}"${hint}; it is missing`, [...at, key], 'key');
  return false;
}





