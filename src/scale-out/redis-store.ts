import { Redis } from 'ioredis';
import CircuitBreaker from 'opossum';
import type { Logger } from '../observability/index.ts';
import { describeRedis, type RedisSettings } from './redis-settings.ts';

/** `connecting`: not yet reached once; `up`: commands go to Redis; `degraded`: every replica-local fallback is in use. */
export type RedisState = 'connecting' | 'up' | 'degraded';

/** What `/readyz` shows of Redis (it never makes a replica unready: the fallbacks serve). */
export interface RedisHealth {
  state: RedisState;
  /** host:port, never the URL's credentials. */
  server: string;
  /** When the current state began (ISO 8601). */
  since: string;
  /** Why degraded: the connection's last error, or the breaker. */
  reason?: string;
}

/** Counts since start, read by the metrics at scrape time. */
export interface RedisCounts {
  /** Commands (or pipelines) Redis answered. */
  ok: number;
  /** Failed or timed out: the caller went on without Redis. */
  failed: number;
  /** Never sent: Redis was down or its breaker open, so the local fallback answered at once. */
  skipped: number;
}

type Operation = (client: Redis) => Promise<unknown>;

/**
 * The one Redis connection of a replica (ioredis), with everything that keeps a slow or dead
 * Redis from taking the gateway down: a timeout on every command far below the request budget,
 * no offline queue (a command while disconnected fails at once instead of waiting for a
 * reconnection), no replays, reconnection with capped backoff, and a circuit breaker (opossum)
 * so a failing Redis is skipped outright. Callers check `available` first and go local without
 * awaiting anything when it is false; the hot path then costs one property read.
 */
export class RedisStore {
  readonly client: Redis;
  readonly counts: RedisCounts = { ok: 0, failed: 0, skipped: 0 };
  readonly #breaker: CircuitBreaker<[Operation], unknown>;
  readonly #logger: Logger;
  readonly #server: string;
  #state: RedisState = 'connecting';
  #since = Date.now();
  #reason: string | undefined;
  #closed = false;

  constructor(settings: RedisSettings, logger: Logger) {
    this.#logger = logger;
    this.#server = describeRedis(settings.url);
    this.client = new Redis(settings.url, {
      commandTimeout: settings.commandTimeoutMs,
      connectTimeout: settings.connectTimeoutMs,
      // While disconnected a command fails at once: the caller has its fallback, and a queue
      // would hold every request until Redis came back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Reconnect forever, 100 ms more each time, at most every 2 s: a returning Redis is used
      // again within seconds, and a dead one costs one connection attempt per 2 s.
      retryStrategy: (times) => Math.min(times * 100, 2_000),
      connectionName: 'tessera',
      ...(settings.tls && !settings.url.startsWith('rediss:') ? { tls: {} } : {}),
    });
    this.#breaker = new CircuitBreaker((operation: Operation) => operation(this.client), {
      timeout: false, // each command has its own (commandTimeout)
      errorThresholdPercentage: settings.breaker.errorThresholdPercent,
      volumeThreshold: settings.breaker.minRequests,
      rollingCountTimeout: settings.breaker.windowMs,
      rollingCountBuckets: 10,
      resetTimeout: settings.breaker.resetTimeoutMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    this.client.on('ready', () => this.#update());
    this.client.on('error', (error: Error) => {
      this.#reason = `connection: ${error.message}`;
      this.#update();
    });
    this.client.on('close', () => this.#update());
    this.#breaker.on('open', () => {
      this.#reason = 'breaker open: Redis commands are failing';
      this.#update();
    });
    // Half-open: the next command is the probe, so Redis counts as up again until it fails.
    this.#breaker.on('halfOpen', () => this.#update());
    this.#breaker.on('close', () => this.#update());
  }

  /** True when a command may be sent now: connected, and the breaker not open. */
  get available(): boolean {
    return this.client.status === 'ready' && !this.#breaker.opened;
  }

  /** Runs `operation` on the client through the breaker; rejects when Redis failed, timed out or is skipped. */
  run<T>(operation: (client: Redis) => Promise<T>): Promise<T> {
    return (this.#breaker.fire(operation) as Promise<T>).then(
      (value) => {
        this.counts.ok += 1;
        return value;
      },
      (error: unknown) => {
        this.counts.failed += 1;
        throw error;
      },
    );
  }

  /** Counts one use of a local fallback without trying Redis (it was not `available`). */
  skipped(): void {
    this.counts.skipped += 1;
  }

  get state(): RedisState {
    return this.#state;
  }

  health(): RedisHealth {
    return {
      state: this.#state,
      server: this.#server,
      since: new Date(this.#since).toISOString(),
      ...(this.#state === 'degraded' && this.#reason ? { reason: this.#reason } : {}),
    };
  }

  /** Stops reconnecting and closes the connection (pending commands fail; their callers fall back). */
  close(): void {
    this.#closed = true;
    this.#breaker.shutdown();
    this.client.disconnect();
  }

  #update(): void {
    if (this.#closed) return;
    const next: RedisState = this.available ? 'up' : this.#state === 'connecting' && this.client.status !== 'end' && this.#reason === undefined ? 'connecting' : 'degraded';
    if (next === this.#state) return;
    const previous = this.#state;
    this.#state = next;
    this.#since = Date.now();
    if (next === 'up') {
      this.#reason = undefined;
      this.#logger.info({ redis: this.#server, previous }, previous === 'connecting' ? 'redis connected: caches and rate limits are shared' : 'redis recovered: caches and rate limits are shared again');
    } else if (next === 'degraded') {
      this.#logger.warn({ redis: this.#server, reason: this.#reason }, 'redis unavailable: degraded mode, caches and rate limits are per replica (limits at this replica\'s share)');
    }
  }
}
