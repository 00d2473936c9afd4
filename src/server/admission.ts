import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import { ErrorCodes } from '../errors/codes.ts';

export interface AdmissionOptions {
  /** Most /graphql requests served at once; more get a fast 503 OVERLOADED. */
  maxInFlight: number;
  /** Shed while the event loop's recent delay exceeds this (ms); undefined = off. */
  maxEventLoopDelayMs: number | undefined;
  rateLimiter: CallerRateLimits;
  /** Where the event loop's delay is read from; tests inject one. Default: perf_hooks' histogram. */
  loopDelayProbe?: LoopDelayProbe | undefined;
}

/**
 * Per-caller rate limits: in-process (resilience/rate-limiter.ts), answering at once, or shared
 * by replicas through Redis (scale-out/shared-rate-limiter.ts), answering with a promise when it
 * asks Redis.
 */
export interface CallerRateLimits {
  /** False when no limit is configured: the check is skipped entirely. */
  readonly enabled: boolean;
  /** 0 when allowed, else the seconds until the caller may try again. */
  take(callerId: string | undefined, traffic?: string): number | Promise<number>;
}

/** Reads the event loop's recent p99 delay and starts a new sample period. */
export interface LoopDelayProbe {
  p99Ms(): number;
  reset(): void;
  close(): void;
}

/** A refusal: the status, headers and body the server answers with, at once. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const EVENT_LOOP_SAMPLE_MS = 500; // how often the delay histogram is read and reset

/**
 * Decides, before any work, whether the gateway takes a request: shedding first (a saturated
 * process answers 503 in microseconds instead of queueing into collapse), then the caller's rate
 * limit (429). Admitted requests are counted until their response is finished.
 */
export class Admission {
  readonly #options: AdmissionOptions;
  #inFlight = 0;
  #loopSaturated = false;
  readonly #probe: LoopDelayProbe | undefined;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(options: AdmissionOptions) {
    this.#options = options;
    if (options.maxEventLoopDelayMs !== undefined) {
      this.#probe = options.loopDelayProbe ?? histogramProbe();
      this.#timer = setInterval(() => this.sampleEventLoop(), EVENT_LOOP_SAMPLE_MS);
      this.#timer.unref();
    }
  }

  /** Reads the delay of the period just ended; runs every 0.5 s (tests call it directly). */
  sampleEventLoop(): void {
    if (!this.#probe) return;
    this.#loopSaturated = this.#probe.p99Ms() > this.#options.maxEventLoopDelayMs!;
    this.#probe.reset();
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Admits a request (call `release` when its response is done) or returns why not; marked
   * traffic (`traffic`) has its own rate-limit buckets. A promise only when the limit is asked of
   * Redis: the request's slot is held meanwhile, so a burst cannot pass the shedding check
   * all at once while its answers are on their way.
   */
  admit(callerId: string | undefined, traffic?: string): Refusal | undefined | Promise<Refusal | undefined> {
    if (this.#inFlight >= this.#options.maxInFlight || this.#loopSaturated) {
      return refusal(503, 1, ErrorCodes.OVERLOADED, 'The gateway is overloaded; retry shortly.');
    }
    if (this.#options.rateLimiter.enabled) {
      const taken = this.#options.rateLimiter.take(callerId, traffic);
      if (typeof taken !== 'number') {
        this.#inFlight += 1;
        return taken.then((retryAfterSeconds) => {
          if (retryAfterSeconds === 0) return undefined;
          this.#inFlight -= 1;
          return rateLimited(retryAfterSeconds);
        });
      }
      if (taken > 0) return rateLimited(taken);
    }
    this.#inFlight += 1;
    return undefined;
  }

  release(): void {
    this.#inFlight -= 1;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#probe?.close();
  }
}

/** The real probe: perf_hooks' event-loop delay histogram (nanoseconds), 10 ms resolution. */
function histogramProbe(): LoopDelayProbe {
  const histogram: ELDHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    p99Ms: () => histogram.percentile(99) / 1e6,
    reset: () => histogram.reset(),
    close: () => histogram.disable(),
  };
}

function rateLimited(retryAfterSeconds: number): Refusal {
  return refusal(429, retryAfterSeconds, ErrorCodes.RATE_LIMITED, 'Rate limit exceeded for this caller.');
}

function refusal(status: number, retryAfterSeconds: number, code: string, message: string): Refusal {
  return { status, headers: { 'retry-after': String(retryAfterSeconds) }, body: { errors: [{ message, extensions: { code } }] } };
}
