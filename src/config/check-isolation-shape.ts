import { ErrorCodes } from '../errors/codes.ts';
import type { ConnectorIsolation, IsolationConfig, ShadowConfig } from './types.ts';
import { checkKeys, describe, isMapping, readMapping, readOneOf, report, withHint, type Checker, type Mapping } from './shape-checker.ts';
import { didYouMean } from '../util/did-you-mean.ts';

/** The defaults of gateway.yaml's `isolation:`, as docs/config.md lists them. */
export const ISOLATION_DEFAULTS: IsolationConfig = Object.freeze({
  header: 'x-tessera-traffic',
  marks: Object.freeze(['stress', 'preview']),
  allowedCallers: undefined,
  unallowed: 'refuse',
  // Reads of a connector that declares nothing may reach production, with the mark forwarded;
  // anything that may write never does without a shadow: the safe side of a load test.
  unshadowed: Object.freeze({ reads: 'forward', writes: 'required' }),
});

const ISOLATION_KEYS = ['header', 'marks', 'allowedCallers', 'unallowed', 'unshadowed'] as const;
const UNSHADOWED_KEYS = ['reads', 'writes'] as const;
const CONNECTOR_ISOLATION: readonly ConnectorIsolation[] = ['required', 'forward'];
const UNALLOWED: readonly IsolationConfig['unallowed'][] = ['refuse', 'ignore'];
/** A mark is a metrics label value and a log field: short, lowercase, plain. */
const MARK = /^[a-z][a-z0-9_-]{0,31}$/;
/** Most marks: each is a value of the `traffic` label on every request and upstream series. */
const MAX_MARKS = 8;
/** An HTTP field name (RFC 9110 §5.1: a token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers that already mean something to the gateway or to the connection. */
const RESERVED_HEADERS = new Set(['x-request-id', 'x-caller-id', 'x-tessera-timeout-ms', 'x-tessera-deadline-ms', 'x-tessera-explain', 'connection', 'host', 'content-type', 'content-length', 'transfer-encoding', 'authorization']);
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** gateway.yaml's `isolation:` section; absent = every default. */
export function readIsolationSettings(c: Checker, value: unknown): IsolationConfig | undefined {
  if (value === undefined) return undefined;
  const at = ['isolation'];
  const section = readMapping(c, value, at, `a mapping with any of the keys ${ISOLATION_KEYS.join(', ')}`);
  if (!section) return undefined;
  checkKeys(c, section, at, ISOLATION_KEYS);
  let header = ISOLATION_DEFAULTS.header;
  if (section.header !== undefined) {
    const name = section.header;
    if (typeof name !== 'string' || !TOKEN.test(name)) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an HTTP header name, e.g. "x-tessera-traffic"; got ${describe(name)}`, [...at, 'header']);
    else if (RESERVED_HEADERS.has(name.toLowerCase())) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a header of its own; "${name.toLowerCase()}" already means something to the gateway`, [...at, 'header']);
    else header = name.toLowerCase();
  }
  const marks = section.marks === undefined ? ISOLATION_DEFAULTS.marks : readMarks(c, section.marks, [...at, 'marks']);
  const allowedCallers = section.allowedCallers === undefined ? undefined : readCallers(c, section.allowedCallers, [...at, 'allowedCallers']);
  const unallowed = section.unallowed === undefined ? ISOLATION_DEFAULTS.unallowed : (readOneOf(c, section.unallowed, [...at, 'unallowed'], UNALLOWED) ?? 'refuse');
  const unshadowed = { ...ISOLATION_DEFAULTS.unshadowed };
  if (section.unshadowed !== undefined) {
    const given = readMapping(c, section.unshadowed, [...at, 'unshadowed'], 'a mapping with the keys reads and/or writes, each required or forward');
    if (given) {
      checkKeys(c, given, [...at, 'unshadowed'], UNSHADOWED_KEYS);
      for (const key of UNSHADOWED_KEYS) {
        if (given[key] !== undefined) unshadowed[key] = readOneOf(c, given[key], [...at, 'unshadowed', key], CONNECTOR_ISOLATION) ?? unshadowed[key];
      }
    }
  }
  return { header, marks, allowedCallers, unallowed, unshadowed };
}

function readMarks(c: Checker, value: unknown, at: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a non-empty list of mark names, e.g. [stress, preview]; got ${Array.isArray(value) ? 'an empty list' : describe(value)}`, at);
    return [];
  }
  if (value.length > MAX_MARKS) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected at most ${MAX_MARKS} marks (each is a metrics label value); got ${value.length}`, at);
  const out: string[] = [];
  value.forEach((mark: unknown, i) => {
    if (typeof mark !== 'string' || !MARK.test(mark)) {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a mark name of 1 to 32 lowercase letters, digits, "_" or "-", starting with a letter; got ${describe(mark)}`, [...at, i]);
    } else if (mark === 'production') {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected a mark other than "production": that is the label of unmarked traffic', [...at, i]);
    } else if (out.includes(mark)) {
      report(c, ErrorCodes.CONFIG_DUPLICATE_NAME, `expected each mark once; "${mark}" is listed twice`, [...at, i]);
    } else {
      out.push(mark);
    }
  });
  return out;
}

function readCallers(c: Checker, value: unknown, at: string[]): string[] {
  if (!Array.isArray(value)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of caller ids allowed to send a mark, e.g. [loadtest]; got ${describe(value)}`, at);
    return [];
  }
  const out: string[] = [];
  value.forEach((caller: unknown, i) => {
    if (typeof caller === 'string' && CALLER_ID.test(caller)) out.push(caller);
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a caller id of 1 to 128 letters, digits, ".", "_", ":" or "-"; got ${describe(caller)}`, [...at, i]);
  });
  return out;
}

/** How a transport names where its upstream is: HTTP's `baseUrl`, gRPC's `address`. */
export interface TargetRule {
  key: 'baseUrl' | 'address';
  /** Undefined when `value` is a good target, else what was expected. */
  check(value: unknown): string | undefined;
  /** HTTP operations may move to another path on the shadow; a gRPC method is the same method. */
  pathOverride: boolean;
}

/**
 * A connector's `isolation:` and `shadow:` keys. A shadow target equal to production's is
 * refused: it would send marked traffic exactly where it must not go, under a name that says
 * otherwise. Operations named under `shadow.operations` must exist.
 */
export function readConnectorIsolation(
  c: Checker,
  value: Mapping,
  rule: TargetRule,
  production: string | undefined,
): { isolation: ConnectorIsolation | undefined; shadow: ShadowConfig | undefined } {
  const isolation = value.isolation === undefined ? undefined : readOneOf(c, value.isolation, ['isolation'], CONNECTOR_ISOLATION);
  if (value.shadow === undefined) return { isolation, shadow: undefined };
  const shadowKeys = [rule.key, 'operations'];
  const opKeys = rule.pathOverride ? [rule.key, 'path'] : [rule.key];
  const section = readMapping(c, value.shadow, ['shadow'], `a mapping with ${rule.key} and/or operations (per-operation ${opKeys.join(', ')})`);
  if (!section) return { isolation, shadow: undefined };
  checkKeys(c, section, ['shadow'], shadowKeys);
  const readTarget = (mapping: Mapping, at: (string | number)[]): string | undefined => {
    const target = mapping[rule.key];
    if (target === undefined) return undefined;
    const problem = rule.check(target);
    if (problem) return void report(c, ErrorCodes.CONFIG_INVALID_VALUE, `${problem}; got ${describe(target)}`, [...at, rule.key]);
    if (target === production) {
      return void report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a shadow ${rule.key} other than production's; "${target}" is the connector's own ${rule.key}`, [...at, rule.key]);
    }
    return target as string;
  };
  const shadow: ShadowConfig = { target: readTarget(section, ['shadow']), operations: {} };
  if (section.operations !== undefined) {
    const ops = readMapping(c, section.operations, ['shadow', 'operations'], `a mapping of operation names to { ${opKeys.join(', ')} }`) ?? {};
    const known = isMapping(value.operations) ? Object.keys(value.operations) : [];
    for (const [name, override] of Object.entries(ops)) {
      const at = ['shadow', 'operations', name];
      if (!known.includes(name)) {
        report(c, ErrorCodes.CONFIG_UNKNOWN_OPERATION, withHint(`expected an operation of this connector (${known.join(', ')}); got "${name}"`, didYouMean(name, known)), at, 'key');
        continue;
      }
      const op = readMapping(c, override, at, `a mapping with any of the keys ${opKeys.join(', ')}`);
      if (!op) continue;
      checkKeys(c, op, at, opKeys);
      const path = op.path;
      if (path !== undefined && typeof path !== 'string') report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a path template, e.g. "/customers/{id}"; got ${describe(path)}`, [...at, 'path']);
      shadow.operations[name] = { target: readTarget(op, at), path: typeof path === 'string' ? path : undefined };
    }
  }
  if (shadow.target === undefined && Object.keys(shadow.operations).length === 0 && section[rule.key] === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, `expected key "${rule.key}" (where marked traffic goes instead of production) or per-operation targets under operations; both are missing`, ['shadow'], 'key');
  }
  return { isolation, shadow };
}
