/**
 * Marks a value slot whose fetch failed. Kept apart from `Error` values so that an upstream
 * returning an object that happens to look like an error is never mistaken for a failure.
 */
export class FetchFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}
