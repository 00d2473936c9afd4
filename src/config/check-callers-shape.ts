import path from 'node:path';
import { ErrorCodes } from '../errors/codes.ts';
import type { CallerConfig, CallersConfig, ConfigPath, JwtConfig, SourceMap } from './types.ts';
import { checkKeys, describe, readIntInRange, readMapping, readOneOf, readPositiveInt, report, type Checker, type Mapping } from './shape-checker.ts';

const TOP_KEYS = ['mode', 'callers', 'anonymous', 'jwt'] as const;
const CALLER_KEYS = ['keys', 'scopes'] as const;
const ANONYMOUS_KEYS = ['scopes'] as const;
const JWT_KEYS = ['issuer', 'audience', 'jwksFile', 'jwksUrl', 'secret', 'algorithms', 'clockToleranceSec', 'callerClaim', 'maxCachedTokens', 'jwksCacheMaxAgeMs', 'jwksCooldownMs'] as const;
const MODES = ['required', 'optional', 'off'] as const;
/** Caller ids appear in logs and metric labels: short and plain. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** A scope is one token of an OAuth `scope` claim: printable, no spaces. */
const SCOPE = /^[\x21-\x7e]{1,128}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
/** HS256 wants a key at least as long as its hash (RFC 7518 §3.2): 256 bits. */
const MIN_SECRET_LENGTH = 32;
/** The JWS algorithms a JWT may be signed with (RFC 7518, RFC 8037). */
export const JWS_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
/** The id of the caller without a credential (mode optional); no declared caller may take it. */
export const ANONYMOUS_CALLER = 'anonymous';

export const CALLERS_DEFAULTS = Object.freeze({
  clockToleranceSec: 30, // tokens 30 s past exp (or before nbf) still pass: clocks drift
  callerClaim: 'sub',
  maxCachedTokens: 10_000, // verified tokens kept, each until its exp
  jwksCacheMaxAgeMs: 600_000, // 10 min: fetched keys are refreshed this often (jose's default)
  jwksCooldownMs: 30_000, // 30 s between fetches a new kid may trigger (jose's default)
});

/**
 * Checks `callers.yaml`: the authentication mode, the declared callers (API key hashes and
 * scopes), the anonymous caller's scopes and how JWTs are verified. Every problem is reported
 * at its line; a value that looks like a key is never quoted back (it may be a plaintext key).
 */
export function checkCallersShape(value: unknown, sourceMap: SourceMap): { callers: CallersConfig | undefined; errors: Checker['errors'] } {
  const c: Checker = { prefix: 'callers', sourceMap, errors: [] };
  if (value === null || value === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected a mapping with the keys mode and callers and/or jwt; the file is empty', []);
    return { callers: undefined, errors: c.errors };
  }
  const top = readMapping(c, value, [], `a mapping with any of the keys ${TOP_KEYS.join(', ')}`);
  if (!top) return { callers: undefined, errors: c.errors };
  checkKeys(c, top, [], TOP_KEYS);
  const mode = top.mode === undefined ? 'required' : readOneOf(c, top.mode, ['mode'], MODES);
  const callers = readCallers(c, top.callers);
  const anonymousScopes = readAnonymous(c, top.anonymous);
  const jwt = top.jwt === undefined ? undefined : readJwt(c, top.jwt, path.dirname(sourceMap.file));
  if (mode === 'required' && top.callers === undefined && top.jwt === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected callers: (API keys) and/or jwt: (tokens) with mode required; without them no request can be admitted', ['mode']);
  }
  if (c.errors.length > 0 || mode === undefined) return { callers: undefined, errors: c.errors };
  return { callers: { mode, callers, anonymousScopes, jwt }, errors: [] };
}

function readCallers(c: Checker, value: unknown): Record<string, CallerConfig> {
  const out: Record<string, CallerConfig> = {};
  if (value === undefined) return out;
  const callers = readMapping(c, value, ['callers'], 'a mapping of caller ids to { keys, scopes }');
  const owners = new Map<string, string>();
  for (const [id, entry] of Object.entries(callers ?? {})) {
    const at = ['callers', id];
    if (!CALLER_ID.test(id)) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a caller id of 1 to 128 letters, digits, ".", "_", ":" or "-"; got ${JSON.stringify(id)}`, at, 'key');
    if (id === ANONYMOUS_CALLER) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected another id: "${ANONYMOUS_CALLER}" is the caller without a credential (set its scopes under anonymous:)`, at, 'key');
    const caller = readMapping(c, entry, at, 'a mapping with the keys keys and scopes');
    if (!caller) continue;
    checkKeys(c, caller, at, CALLER_KEYS);
    const keyHashes = readKeyHashes(c, caller, at);
    for (const hash of keyHashes) {
      const owner = owners.get(hash);
      if (owner !== undefined) report(c, ErrorCodes.CONFIG_DUPLICATE_NAME, `expected each key hash once; this one is also a key of caller "${owner}"`, [...at, 'keys']);
      else owners.set(hash, id);
    }
    out[id] = { keyHashes, scopes: readScopes(c, caller, at) };
  }
  return out;
}

function readKeyHashes(c: Checker, caller: Mapping, at: ConfigPath): string[] {
  if (caller.keys === undefined) return [];
  if (!Array.isArray(caller.keys)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of API key hashes (sha256, 64 hex digits; tessera hash-key prints one); got ${describe(caller.keys)}`, [...at, 'keys']);
    return [];
  }
  const out: string[] = [];
  caller.keys.forEach((hash: unknown, i) => {
    if (typeof hash === 'string' && SHA256_HEX.test(hash)) out.push(hash.toLowerCase());
    else {
      // Never quote it: an operator who pasted the key itself must not see it in a CI log.
      const got = typeof hash === 'string' ? `a ${hash.length}-character string` : describe(hash);
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected the sha256 of an API key as 64 hex digits (tessera hash-key prints it), never the key itself; got ${got}`, [...at, 'keys', i]);
    }
  });
  return out;
}

function readScopes(c: Checker, obj: Mapping, at: ConfigPath): string[] {
  const value = obj.scopes;
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of scopes such as [customer:read, pii:read]; got ${describe(value)}`, [...at, 'scopes']);
    return [];
  }
  const out: string[] = [];
  value.forEach((scope: unknown, i) => {
    if (typeof scope === 'string' && SCOPE.test(scope)) out.push(scope);
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a scope of 1 to 128 printable characters without spaces; got ${describe(scope)}`, [...at, 'scopes', i]);
  });
  return out;
}

function readAnonymous(c: Checker, value: unknown): string[] {
  if (value === undefined) return [];
  const anonymous = readMapping(c, value, ['anonymous'], 'a mapping with the key scopes');
  if (!anonymous) return [];
  checkKeys(c, anonymous, ['anonymous'], ANONYMOUS_KEYS);
  return readScopes(c, anonymous, ['anonymous']);
}

function readJwt(c: Checker, value: unknown, baseDir: string): JwtConfig | undefined {
  const jwt = readMapping(c, value, ['jwt'], `a mapping with the keys issuer, audience and one of jwksFile, jwksUrl or secret`);
  if (!jwt) return undefined;
  checkKeys(c, jwt, ['jwt'], JWT_KEYS);
  const issuer = readStringOrList(c, jwt, 'issuer', 'the issuer your tokens carry in iss, such as https://id.example.com/');
  const audience = readStringOrList(c, jwt, 'audience', 'the audience your tokens carry in aud, such as tessera');
  const sources = (['jwksFile', 'jwksUrl', 'secret'] as const).filter((key) => jwt[key] !== undefined);
  if (sources.length !== 1) {
    const got = sources.length === 0 ? 'none' : sources.join(' and ');
    report(c, ErrorCodes.CONFIG_MISSING_KEY, `expected exactly one of jwksFile, jwksUrl or secret (where the verification keys are); got ${got}`, sources.length > 1 ? ['jwt', sources[1]!] : ['jwt'], sources.length > 1 ? 'key' : 'value');
  }
  const out: JwtConfig = {
    issuer: issuer ?? [],
    audience: audience ?? [],
    algorithms: undefined,
    clockToleranceSec: readIntInRange(c, jwt, ['jwt'], 'clockToleranceSec', 0, 600) ?? CALLERS_DEFAULTS.clockToleranceSec,
    callerClaim: CALLERS_DEFAULTS.callerClaim,
    maxCachedTokens: readPositiveInt(c, jwt, ['jwt'], 'maxCachedTokens', 10_000_000) ?? CALLERS_DEFAULTS.maxCachedTokens,
    jwksCacheMaxAgeMs: readIntInRange(c, jwt, ['jwt'], 'jwksCacheMaxAgeMs', 1_000, 86_400_000) ?? CALLERS_DEFAULTS.jwksCacheMaxAgeMs,
    jwksCooldownMs: readIntInRange(c, jwt, ['jwt'], 'jwksCooldownMs', 0, 3_600_000) ?? CALLERS_DEFAULTS.jwksCooldownMs,
  };
  if (typeof jwt.jwksFile === 'string' && jwt.jwksFile !== '') out.jwksFile = path.resolve(baseDir, jwt.jwksFile);
  else if (jwt.jwksFile !== undefined) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected the path of a JWKS file (relative to callers.yaml); got ${describe(jwt.jwksFile)}`, ['jwt', 'jwksFile']);
  if (jwt.jwksUrl !== undefined) {
    const url = typeof jwt.jwksUrl === 'string' && URL.canParse(jwt.jwksUrl) ? new URL(jwt.jwksUrl) : undefined;
    if (url && (url.protocol === 'https:' || url.protocol === 'http:')) out.jwksUrl = url.href;
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an http(s) URL of the issuer's JWKS, such as https://id.example.com/.well-known/jwks.json; got ${describe(jwt.jwksUrl)}`, ['jwt', 'jwksUrl']);
  }
  if (jwt.secret !== undefined) {
    if (typeof jwt.secret === 'string' && jwt.secret.length >= MIN_SECRET_LENGTH) out.secret = jwt.secret;
    else {
      const got = typeof jwt.secret === 'string' ? `${jwt.secret.length} characters` : describe(jwt.secret);
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an HS256 secret of at least ${MIN_SECRET_LENGTH} characters, best from the environment (secret: \${TESSERA_JWT_SECRET}); got ${got}`, ['jwt', 'secret']);
    }
  }
  if (jwt.algorithms !== undefined) {
    const list = Array.isArray(jwt.algorithms) ? jwt.algorithms : undefined;
    if (!list || list.length === 0) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of JWS algorithms such as [RS256]; got ${describe(jwt.algorithms)}`, ['jwt', 'algorithms']);
    else out.algorithms = list.flatMap((alg, i) => (readOneOf(c, alg, ['jwt', 'algorithms', i], JWS_ALGORITHMS) === undefined ? [] : [alg as string]));
  }
  if (jwt.callerClaim !== undefined) {
    if (typeof jwt.callerClaim === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(jwt.callerClaim)) out.callerClaim = jwt.callerClaim;
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected the name of the claim that names the caller, such as sub, azp or client_id; got ${describe(jwt.callerClaim)}`, ['jwt', 'callerClaim']);
  }
  return out;
}

function readStringOrList(c: Checker, jwt: Mapping, key: 'issuer' | 'audience', what: string): string[] | undefined {
  const value = jwt[key];
  if (value === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, `expected key "${key}" (${what}); it is missing`, ['jwt'], 'key');
    return undefined;
  }
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list || list.length === 0 || !list.every((v): v is string => typeof v === 'string' && v !== '')) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected ${what}, or a list of them; got ${describe(value)}`, ['jwt', key]);
    return undefined;
  }
  return list;
}
