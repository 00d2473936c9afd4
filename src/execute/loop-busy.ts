import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How often the event loop's utilisation is re-read: often enough to follow load, rarely enough to cost nothing. */
const SAMPLE_EVERY_MS = 100;

/**
 * Says whether the event loop was busier than `threshold` (its utilisation, 0..1: the share of
 * time spent running callbacks rather than waiting for I/O) over the last ~100 ms. Read lazily,
 * when asked, so an idle gateway keeps no timer; 0 means always busy.
 */
export class LoopBusy {
  readonly #threshold: number;
  #last: EventLoopUtilization | undefined;
  #sampledAt = 0;
  #busy: boolean;

  constructor(threshold: number) {
    if (!(threshold >= 0 && threshold <= 1)) throw new TypeError(`Tessera invariant failed: a loop utilisation threshold is between 0 and 1, not ${threshold}`);
    this.#threshold = threshold;
    this.#busy = threshold === 0;
  }

  get busy(): boolean {
    if (this.#threshold === 0) return true;
    const now = performance.now();
    if (now - this.#sampledAt >= SAMPLE_EVERY_MS) {
      const current = performance.eventLoopUtilization();
      // The first reading covers the whole process life; from then on, the last window only.
      const window = this.#last ? performance.eventLoopUtilization(current, this.#last) : current;
      this.#busy = window.utilization > this.#threshold;
      this.#last = current;
      this.#sampledAt = now;
    }
    return this.#busy;
  }
}
