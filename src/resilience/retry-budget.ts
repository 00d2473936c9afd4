import { performance } from 'node:perf_hooks';

const BUCKETS = 10;

/**
 * Caps retries to a share of first attempts over a sliding window (Finagle's and Linkerd's retry
 * budget): a retry is allowed while retries < minRetriesPerWindow + percent % × first attempts.
 * When an upstream fails everything, callers' retries add at most `percent` % load instead of
 * multiplying it by (1 + maxRetries). The window is BUCKETS time slices; counts are integers, no timers.
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #minRetries: number;
  readonly #bucketMs: number;
  readonly #attempts = new Array<number>(BUCKETS).fill(0);
  readonly #retries = new Array<number>(BUCKETS).fill(0);
  readonly #now: () => number;
  #slice = 0;

  /** `now` is injectable so tests can slide the window without waiting. */
  constructor(options: { percent: number; minRetriesPerWindow: number; windowMs: number }, now: () => number = () => performance.now()) {
    this.#now = now;
    this.#ratio = options.percent / 100;
    this.#minRetries = options.minRetriesPerWindow;
    this.#bucketMs = Math.max(1, options.windowMs / BUCKETS);
  }

  /** Counts one first attempt (not a retry). */
  recordAttempt(): void {
    this.#attempts[this.#rotate()]! += 1;
  }

  /** Takes one retry from the budget; false when the budget is spent (then do not retry). */
  tryRetry(): boolean {
    const index = this.#rotate();
    let attempts = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      attempts += this.#attempts[i]!;
      retries += this.#retries[i]!;
    }
    if (retries >= this.#minRetries + this.#ratio * attempts) return false;
    this.#retries[index]! += 1;
    return true;
  }

  /** Clears the buckets that slid out of the window since the last call; returns the current one. */
  #rotate(): number {
    const slice = Math.floor(this.#now() / this.#bucketMs);
    const passed = slice - this.#slice;
    if (passed > 0) {
      for (let i = 1; i <= Math.min(passed, BUCKETS); i++) {
        const index = (this.#slice + i) % BUCKETS;
        this.#attempts[index] = 0;
        this.#retries[index] = 0;
      }
      this.#slice = slice;
    }
    return slice % BUCKETS;
  }
}
