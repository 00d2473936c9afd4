import { connect } from 'node:net';

/** A connector's first connection check: `pending` until its first connection opens; `skipped` when it declares none. */
export type ConnectionCheckState = 'pending' | 'passed' | 'skipped';

/** The last reload that failed: what `/readyz` and the log say about it. */
export interface ReloadFailure {
  /** When the attempt ended (ISO 8601). */
  at: string;
  /** Every problem, `file:line:col: message`, one a line. */
  errors: string[];
}

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  /** Why not, when not ready: `starting`, `checking connections`, `shutting down`. */
  reason?: string;
  configVersion: string | undefined;
  connectors: Record<string, ConnectionCheckState>;
  lastReloadError: ReloadFailure | null;
  /** With `redis:` configured: whether replicas share through it now (`up`), or each serves alone (`degraded`). Never a reason to be unready. */
  redis?: { state: string; server: string; since: string; reason?: string };
}

const CHECK_TIMEOUT_MS = 2_000; // one connection attempt
const CHECK_RETRY_MS = 500; // between attempts while the upstream refuses

/**
 * What `/readyz` answers: ready once a config is loaded and every connector that asks for it
 * (`readinessCheck: true`) has opened its first connection; not ready again from the moment
 * shutdown begins, so load balancers stop sending before the server stops accepting.
 */
export class Readiness {
  #configVersion: string | undefined;
  #checks: Record<string, ConnectionCheckState> = {};
  #lastReloadError: ReloadFailure | null = null;
  #shuttingDown = false;
  #generation = 0;
  readonly #timers = new Set<NodeJS.Timeout>();
  #redis: (() => NonNullable<ReadinessReport['redis']>) | undefined;

  /**
   * A config is being served: runs the first connection check of each connector that declares
   * one (again, for a config loaded by a reload, only for connectors not checked before).
   */
  configLoaded(version: string, connectors: readonly { name: string; baseUrl: string; readinessCheck?: boolean | undefined }[]): void {
    const generation = ++this.#generation;
    const previous = this.#checks;
    const checks: Record<string, ConnectionCheckState> = {};
    for (const connector of connectors) {
      if (!connector.readinessCheck) checks[connector.name] = 'skipped';
      else if (previous[connector.name] === 'passed') checks[connector.name] = 'passed';
      else {
        checks[connector.name] = 'pending';
        this.#checkUntilPassed(connector.name, connector.baseUrl, generation);
      }
    }
    this.#checks = checks;
    this.#configVersion = version;
  }

  /**
   * Reports Redis's state in every report. A degraded Redis leaves the replica ready: it serves
   * with its local fallbacks, and were every replica to turn unready together when Redis fails,
   * Redis would take the whole gateway down.
   */
  reportRedis(health: () => NonNullable<ReadinessReport['redis']>): void {
    this.#redis = health;
  }

  reloadFailed(failure: ReloadFailure): void {
    this.#lastReloadError = failure;
  }

  reloadSucceeded(): void {
    this.#lastReloadError = null;
  }

  shuttingDown(): void {
    this.#shuttingDown = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  get ready(): boolean {
    return this.report().status === 'ready';
  }

  report(): ReadinessReport {
    const reason = this.#shuttingDown
      ? 'shutting down'
      : this.#configVersion === undefined
        ? 'starting'
        : Object.values(this.#checks).includes('pending')
          ? 'checking connections'
          : undefined;
    return {
      status: reason === undefined ? 'ready' : 'not ready',
      ...(reason === undefined ? {} : { reason }),
      configVersion: this.#configVersion,
      connectors: { ...this.#checks },
      lastReloadError: this.#lastReloadError,
      ...(this.#redis ? { redis: this.#redis() } : {}),
    };
  }

  #checkUntilPassed(name: string, baseUrl: string, generation: number): void {
    const attempt = () => {
      if (this.#shuttingDown || generation !== this.#generation) return;
      void openConnection(baseUrl, CHECK_TIMEOUT_MS).then((ok) => {
        if (this.#shuttingDown || generation !== this.#generation) return;
        if (ok) {
          this.#checks[name] = 'passed';
          return;
        }
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          attempt();
        }, CHECK_RETRY_MS);
        timer.unref();
        this.#timers.add(timer);
      });
    };
    attempt();
  }
}

/** Opens (and at once closes) a TCP connection to a URL's host and port: true if it opened. */
export function openConnection(baseUrl: string, timeoutMs: number): Promise<boolean> {
  const url = new URL(baseUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
