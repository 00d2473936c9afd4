/**
 * Who is asking, as proven by a credential: the only source of the caller id that rate limits,
 * logs, metrics and usage counts see, and of the scopes that field access and unmasking check.
 */
export interface CallerIdentity {
  /** A declared caller's id, a token's caller claim, or `anonymous`. */
  readonly id: string;
  readonly scopes: ReadonlySet<string>;
  /** How it was proven: an API key, a verified JWT, or no credential at all (mode optional). */
  readonly via: 'api-key' | 'jwt' | 'anonymous';
}

/** Makes an identity; the scope set is frozen in practice (never handed out for writing). */
export function callerIdentity(id: string, scopes: Iterable<string>, via: CallerIdentity['via']): CallerIdentity {
  return Object.freeze({ id, scopes: new Set(scopes), via });
}
