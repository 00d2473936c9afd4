/**
 * Holds a fake upstream's answers while a burst of requests arrives, so that what is in flight
 * at once is exactly what the test sent: it opens once the expected upstream calls and joins
 * (requests that shared one in flight) have arrived, or as soon as there are more of either, so
 * a wrong implementation fails its assertions instead of hanging.
 */
export class InFlightGate {
  calls = 0;
  joins = 0;
  /** Answers wait on this; a fresh one per `arm`. */
  opened: Promise<void> = Promise.resolve();
  #expected = { calls: 0, joins: 0 };
  #open: () => void = () => {};

  /** Starts a burst: counts from zero, held until `expected` has arrived. */
  arm(expected: { calls: number; joins: number }): void {
    this.calls = 0;
    this.joins = 0;
    this.#expected = expected;
    this.opened = new Promise((resolve) => (this.#open = resolve));
  }

  /** The upstream saw a call. */
  call(): void {
    this.calls += 1;
    this.#check();
  }

  /** A request joined one in flight. */
  join(): void {
    this.joins += 1;
    this.#check();
  }

  #check(): void {
    const { calls, joins } = this.#expected;
    if ((this.calls >= calls && this.joins >= joins) || this.calls > calls || this.joins > joins) this.#open();
  }
}
