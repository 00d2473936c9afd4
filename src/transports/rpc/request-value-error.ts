/** A request value the message cannot carry; render turns it into a REQUEST_INVALID field error. */
export class RequestValueError extends Error {
  readonly fieldPath: string;
  readonly expected: string;
  readonly got: unknown;
  constructor(fieldPath: string, expected: string, got: unknown) {
    super(`${fieldPath}: expected ${expected}; got ${describeValue(got)}`);
    this.fieldPath = fieldPath;
    this.expected = expected;
    this.got = got;
  }
}

/** How a refused value reads in a message: text quoted, collections by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}
