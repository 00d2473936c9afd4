import { performance } from 'node:perf_hooks';

/** How often the event loop's utilisation is re-read: often enough to follow load, rarely enough to cost nothing. */
const SAMPLE_EVERY_MS = 100;

/** The two readings LoopBusy takes: a monotonic clock in ms and the loop's cumulative idle and active ms. */
export interface LoopClock {
  now(): number;
  utilization(): { idle: number; active: number };
}

/** Node's own clock and event-loop utilisation. */
const NODE_LOOP_CLOCK: LoopClock = {
  now: () => performance.now(),
  utilization: () => performance.eventLoopUtilization(),
};

/**
 * Says whether the event loop was busier than `threshold` (its utilisation, 0..1: the share of
 * time spent running callbacks rather than waiting for I/O) over the last ~100 ms. Read lazily,
 * when asked, so an idle gateway keeps no timer; 0 means always busy. The clock is injectable so
 * that tests can state the loop's history instead of producing it.
 */
export class LoopBusy {
  readonly #threshold: number;
  readonly #clock: LoopClock;
  #last: { idle: number; active: number } | undefined;
  #sampledAt = 0;
  #busy: boolean;

  constructor(threshold: number, clock: LoopClock = NODE_LOOP_CLOCK) {
    if (!(threshold >= 0 && threshold <= 1)) throw new TypeError(`Tessera invariant failed: a loop utilisation threshold is between 0 and 1, not ${threshold}`);
    this.#threshold = threshold;
    this.#clock = clock;
    this.#busy = threshold === 0;
  }

  get busy(): boolean {
    if (this.#threshold === 0) return true;
    const now = this.#clock.now();
    if (now - this.#sampledAt >= SAMPLE_EVERY_MS) {
      const current = this.#clock.utilization();
      // The first reading covers the whole process life; from then on, the last window only.
      const active = current.active - (this.#last?.active ?? 0);
      const total = active + current.idle - (this.#last?.idle ?? 0);
      this.#busy = total > 0 && active / total > this.#threshold;
      this.#last = current;
      this.#sampledAt = now;
    }
    return this.#busy;
  }
}
