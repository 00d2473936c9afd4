/** A value served in place of a failed fetch (`@fallback`), and what kind it is. */
export interface FallbackUse {
  value: unknown;
  kind: 'stale' | 'default';
  /** For a stale value: how old it is. */
  ageMs?: number | undefined;
}

/**
 * Marks a value slot whose fetch failed. Kept apart from `Error` values so that an upstream
 * returning an object that happens to look like an error is never mistaken for a failure.
 * With a fallback, shaping serves the fallback's value and notes it in `extensions.fallbacks`.
 */
export class FetchFailure {
  readonly error: unknown;
  readonly fallback: FallbackUse | undefined;
  constructor(error: unknown, fallback?: FallbackUse) {
    this.error = error;
    this.fallback = fallback;
  }
}
