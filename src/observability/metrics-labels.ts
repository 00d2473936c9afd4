/** Label values for requests without an operation name or caller id, and for those beyond the bounded sets. */
export const ANONYMOUS = 'anonymous';
export const OTHER = 'other';

/**
 * Operation names as label values, bounded: the first `max` distinct names seen get their own
 * label, every later one collapses into `other`, so a caller sending random operation names
 * cannot grow the number of series without bound. A name must also be a plain GraphQL name.
 */
export class OperationLabels {
  readonly #max: number;
  readonly #known = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  label(operationName: string | null | undefined): string {
    if (!operationName) return ANONYMOUS;
    if (this.#known.has(operationName)) return operationName;
    if (this.#known.size >= this.#max || !GRAPHQL_NAME.test(operationName)) return OTHER;
    this.#known.add(operationName);
    return operationName;
  }
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** Caller ids as label values: only declared callers get their own label; anyone else is `other`. */
export class CallerLabels {
  readonly #declared: ReadonlySet<string>;

  constructor(declared: Iterable<string>) {
    this.#declared = new Set(declared);
  }

  label(callerId: string | undefined): string {
    // Authentication off (undefined) or the anonymous caller of mode optional: one label.
    if (callerId === undefined || callerId === ANONYMOUS) return ANONYMOUS;
    return this.#declared.has(callerId) ? callerId : OTHER;
  }
}
