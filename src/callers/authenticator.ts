import type { IncomingHttpHeaders } from 'node:http';
import type { CallersConfig } from '../config/types.ts';
import { ANONYMOUS_CALLER } from '../config/check-callers-shape.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { ApiKeyIndex } from './api-keys.ts';
import { callerIdentity, type CallerIdentity } from './caller-identity.ts';
import { JwtVerifier, type TokenFailure } from './jwt-verifier.ts';

/** The header an API key travels in. */
export const API_KEY_HEADER = 'x-api-key';

/** Why a request was not admitted: sent as is, before either door, so both answer alike. */
export interface AuthRefusal {
  status: 401 | 503;
  headers: Record<string, string>;
  body: { errors: [{ message: string; extensions: { code: string; reason: string } }] };
}

export type AuthOutcome = CallerIdentity | AuthRefusal;

/**
 * Turns a request's credential into a verified caller, or a refusal. One call, made by the
 * server for every /graphql request before the fast path and graphql-yoga part ways, so the
 * rule is written once. An API key (`x-api-key`) is checked against the declared hashes; a
 * bearer token (`Authorization: Bearer`) is verified as a JWT. Mode `optional` admits a request
 * with no credential as the `anonymous` caller, but a bad credential is refused in every mode:
 * a typo in a key must not quietly become anonymous access.
 */
export class Authenticator {
  readonly mode: 'required' | 'optional';
  readonly #keys: ApiKeyIndex;
  readonly #jwt: JwtVerifier | undefined;
  readonly #anonymous: CallerIdentity;

  constructor(config: CallersConfig & { mode: 'required' | 'optional' }) {
    this.mode = config.mode;
    this.#keys = new ApiKeyIndex(config);
    this.#jwt = config.jwt ? new JwtVerifier(config.jwt, config.callers) : undefined;
    this.#anonymous = callerIdentity(ANONYMOUS_CALLER, config.anonymousScopes, 'anonymous');
  }

  /** Synchronous for API keys, for tokens seen before and for refusals; a new token is verified asynchronously. */
  authenticate(headers: IncomingHttpHeaders): AuthOutcome | Promise<AuthOutcome> {
    const key = headers[API_KEY_HEADER];
    if (key !== undefined) {
      if (typeof key !== 'string') return refuse('malformed', 'send one x-api-key header');
      return this.#keys.lookup(key) ?? refuse('unknown-key', 'the API key is not valid (a removed or mistyped key)');
    }
    const authorization = headers.authorization;
    if (authorization === undefined) {
      return this.mode === 'optional' ? this.#anonymous : refuse('missing', `send an API key in the ${API_KEY_HEADER} header or a token in Authorization: Bearer <token>`);
    }
    const token = bearerToken(authorization);
    if (token === undefined) return refuse('malformed', 'the Authorization header must be Bearer <token>');
    if (!this.#jwt) return refuse('tokens-not-accepted', `this gateway accepts API keys only: send one in the ${API_KEY_HEADER} header`);
    const cached = this.#jwt.cached(token);
    if (cached) return cached;
    return this.#jwt.verify(token).then((outcome) => (typeof outcome === 'string' ? refuseToken(outcome) : outcome));
  }
}

function bearerToken(authorization: string): string | undefined {
  // RFC 6750: the scheme is case-insensitive, one space, then the token.
  if (authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = authorization.slice(7).trim();
  return token === '' ? undefined : token;
}

const TOKEN_MESSAGES: Record<TokenFailure, string> = {
  expired: 'the token has expired',
  'not-yet-valid': 'the token is not valid yet (nbf)',
  'wrong-issuer': 'the token was issued by an issuer this gateway does not trust',
  'wrong-audience': 'the token is not meant for this gateway (aud)',
  'bad-signature': 'the token signature does not verify',
  'unknown-signing-key': 'the token is signed with a key this gateway does not know',
  'algorithm-not-allowed': 'the token is signed with an algorithm this gateway does not accept',
  'bad-claims': 'the token lacks a valid exp or caller claim',
  malformed: 'the token is not a well-formed JWT',
  'keys-unavailable': "the issuer's signing keys could not be fetched",
};

function refuseToken(failure: TokenFailure): AuthRefusal {
  if (failure === 'keys-unavailable') {
    return {
      status: 503,
      headers: { 'retry-after': '1' },
      body: { errors: [{ message: `Authentication is unavailable: ${TOKEN_MESSAGES[failure]}; retry shortly.`, extensions: { code: ErrorCodes.AUTH_UNAVAILABLE, reason: failure } }] },
    };
  }
  return refuse(failure, TOKEN_MESSAGES[failure]);
}

function refuse(reason: string, detail: string): AuthRefusal {
  return {
    status: 401,
    // RFC 6750 §3: a 401 names the scheme it wants.
    headers: { 'www-authenticate': 'Bearer' },
    body: { errors: [{ message: `Authentication failed: ${detail}.`, extensions: { code: ErrorCodes.UNAUTHENTICATED, reason } }] },
  };
}

/** True for a refusal, false for a verified caller. */
export function isRefusal(outcome: AuthOutcome): outcome is AuthRefusal {
  return 'status' in outcome;
}

/** The authenticator for a callers.yaml, or undefined when authentication is off. */
export function createAuthenticator(config: CallersConfig | undefined): Authenticator | undefined {
  if (!config || config.mode === 'off') return undefined;
  return new Authenticator({ ...config, mode: config.mode });
}
