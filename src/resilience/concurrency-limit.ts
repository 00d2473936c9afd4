import pLimit, { type LimitFunction } from 'p-limit';

/**
 * At most `max` calls in flight, the rest waiting in order (p-limit). Far below the cap, as
 * almost always, a call runs at once with only a counter: creating a p-limit costs ~3 µs and
 * each call through it ~0.5 µs of promise hops (bench/micro/upstream-call.bench.ts), paid per
 * request by the fan-out budget and per call by the bulkhead. p-limit's queue is created when
 * the calls in flight reach max − 1 and dropped once it is idle again.
 *
 * Invariant while the queue exists: its concurrency = max − calls still running outside it, so
 * the two together never exceed max (each such call that ends raises its concurrency by one).
 */
export class ConcurrencyLimit {
  readonly #max: number;
  /** Calls running outside the queue. */
  #direct = 0;
  #queue: LimitFunction | undefined;
  readonly #release = (): void => {
    this.#direct -= 1;
    if (this.#queue) this.#queue.concurrency += 1;
  };

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new TypeError(`Tessera invariant failed: a concurrency limit must be an integer ≥ 1, not ${max}`);
    this.#max = max;
  }

  /** Calls in flight now. */
  get active(): number {
    return this.#direct + (this.#queue?.activeCount ?? 0);
  }

  /** Calls waiting for a slot now. */
  get pending(): number {
    return this.#queue?.pendingCount ?? 0;
  }

  /** Runs `call` now when a slot is free, else when one frees up; settles as `call` does. */
  run<T>(call: () => Promise<T>): Promise<T> {
    let queue = this.#queue;
    if (queue && queue.activeCount === 0 && queue.pendingCount === 0) queue = this.#queue = undefined;
    if (!queue) {
      if (this.#direct < this.#max - 1) return this.#runDirect(call);
      queue = this.#queue = pLimit(this.#max - this.#direct);
    }
    return queue(call);
  }

  #runDirect<T>(call: () => Promise<T>): Promise<T> {
    this.#direct += 1;
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (error) {
      this.#release();
      return Promise.reject(error as Error);
    }
    promise.then(this.#release, this.#release);
    return promise;
  }
}
