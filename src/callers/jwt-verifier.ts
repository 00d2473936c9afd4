import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';
import type { CallerConfig, JwtConfig } from '../config/types.ts';
import { isSafeIdentifier } from '../observability/request-context.ts';
import { callerIdentity, type CallerIdentity } from './caller-identity.ts';

/** Why a token was refused: the caller learns this reason, never a key, a claim value or a stack. */
export type TokenFailure = 'expired' | 'not-yet-valid' | 'wrong-issuer' | 'wrong-audience' | 'bad-signature' | 'unknown-signing-key' | 'algorithm-not-allowed' | 'bad-claims' | 'malformed' | 'keys-unavailable';

/** Asymmetric JWS algorithms: what a JWKS may verify unless `algorithms:` says otherwise (never HS*: a public key is no secret). */
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Longest token looked at; longer ones are malformed without parsing. */
const MAX_TOKEN_LENGTH = 16_384;

/**
 * Verifies bearer JWTs with jose against a JWKS (a file, or a URL that jose's remote key set
 * fetches, caches and refetches when a token names an unknown `kid`: key rotation) or an HS256
 * secret, checking issuer, audience, expiry and not-before with a clock tolerance.
 *
 * A token is verified once: its identity is kept (bounded LRU) until the token's `exp`, so a
 * caller sending the same token on every request pays one map lookup after the first.
 */
export class JwtVerifier {
  readonly #key: JWTVerifyGetKey | Uint8Array;
  readonly #options: JWTVerifyOptions;
  readonly #config: JwtConfig;
  readonly #callers: Readonly<Record<string, CallerConfig>>;
  readonly #verified: LRUCache<string, CallerIdentity>;

  constructor(config: JwtConfig, callers: Readonly<Record<string, CallerConfig>>) {
    this.#config = config;
    this.#callers = callers;
    if (config.secret !== undefined) this.#key = new TextEncoder().encode(config.secret);
    else if (config.jwks !== undefined) this.#key = createLocalJWKSet(config.jwks as Parameters<typeof createLocalJWKSet>[0]);
    else this.#key = createRemoteJWKSet(new URL(config.jwksUrl!), { cacheMaxAge: config.jwksCacheMaxAgeMs, cooldownDuration: config.jwksCooldownMs });
    this.#options = {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms ?? (config.secret !== undefined ? ['HS256'] : ASYMMETRIC),
      clockTolerance: config.clockToleranceSec,
      // A token without exp would be valid (and cached) for ever.
      requiredClaims: ['exp'],
    };
    this.#verified = new LRUCache({ max: config.maxCachedTokens });
  }

  /** The verified token's identity, synchronously when this token was verified before. */
  cached(token: string): CallerIdentity | undefined {
    return this.#verified.get(token);
  }

  async verify(token: string): Promise<CallerIdentity | TokenFailure> {
    if (token.length > MAX_TOKEN_LENGTH) return 'malformed';
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(token, this.#key as JWTVerifyGetKey, this.#options)).payload;
    } catch (error) {
      return failureOf(error);
    }
    const id = payload[this.#config.callerClaim];
    if (typeof id !== 'string' || !isSafeIdentifier(id)) return 'bad-claims';
    const declared = this.#callers[id];
    const identity = callerIdentity(id, [...(declared?.scopes ?? []), ...tokenScopes(payload)], 'jwt');
    // Kept until the token expires (plus the tolerance jose allowed it): never past it.
    const ttl = (payload.exp! + this.#config.clockToleranceSec) * 1000 - Date.now();
    if (ttl > 0) this.#verified.set(token, identity, { ttl });
    return identity;
  }
}

/** OAuth scopes: `scope` (RFC 8693, space-separated) or `scp` (a list, or a string, as some issuers send). */
function tokenScopes(payload: JWTPayload): string[] {
  const out: string[] = [];
  for (const claim of [payload.scope, payload.scp]) {
    if (typeof claim === 'string') out.push(...claim.split(' ').filter(Boolean));
    else if (Array.isArray(claim)) for (const s of claim) if (typeof s === 'string' && s !== '') out.push(s);
  }
  return out;
}

function failureOf(error: unknown): TokenFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong-issuer';
    if (error.claim === 'aud') return 'wrong-audience';
    if (error.claim === 'nbf') return 'not-yet-valid';
    return 'bad-claims';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown-signing-key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm-not-allowed';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported || error instanceof errors.JWKInvalid) return 'malformed';
  // The key set could not be fetched (timeout, refused, not JSON): the gateway's problem, not the token's.
  return 'keys-unavailable';
}
