import { performance } from 'node:perf_hooks';
import type { ConfigError } from '../errors/gateway-error.ts';
import { displayPath } from '../errors/format-config-error.ts';
import type { Logger } from '../observability/index.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { Readiness } from './readiness.ts';

/** What started a reload: shown in the log. */
export type ReloadTrigger = 'watch' | 'SIGHUP' | 'admin' | 'api';

export interface ReloadOutcome {
  /** ok: the new config serves now; failed: the old one still does; unchanged: nothing to swap. */
  result: 'ok' | 'failed' | 'unchanged';
  /** The version served after this attempt. */
  configVersion: string;
  /** Failed: every problem, `file:line:col: CODE message`. */
  errors?: string[];
  /** From the start of loading to the swap (or the refusal). */
  durationMs: number;
}

/** A loaded and compiled config, or the errors that stop it from being served. */
export interface LoadedCandidate {
  version: string;
  errors: readonly ConfigError[];
  /** Swaps the candidate in; only called when it has no errors and a new version. */
  apply(): { kept: string[]; replaced: string[] };
}

/** The last reload attempt, as the console shows it. */
export interface LastReload extends ReloadOutcome {
  trigger: ReloadTrigger;
  /** When it ended (ISO 8601). */
  at: string;
}

export interface ConfigReloaderOptions {
  /** Reads and validates the config from disk (off the request path: requests keep being served meanwhile). */
  load(): Promise<LoadedCandidate>;
  currentVersion(): string;
  logger: Logger;
  readiness: Readiness;
  metrics: GatewayMetrics | undefined;
}

/**
 * Runs reloads one at a time: a reload asked for while one runs is done once more after it
 * (so the last edit always wins, and a burst of triggers costs at most two loads). A config
 * with any error never replaces the one serving; the error is logged with file:line:col and
 * kept for /readyz and the metrics until a later reload succeeds.
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  #running: Promise<ReloadOutcome> | undefined;
  #queued: Promise<ReloadOutcome> | undefined;
  #last: LastReload | undefined;

  constructor(options: ConfigReloaderOptions) {
    this.#options = options;
  }

  reload(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    if (this.#running) {
      this.#queued ??= this.#running.then(() => {
        this.#queued = undefined;
        return this.reload(trigger);
      });
      return this.#queued;
    }
    const running = this.#run(trigger)
      .then((outcome) => {
        this.#last = { ...outcome, trigger, at: new Date().toISOString() };
        return outcome;
      })
      .finally(() => {
        this.#running = undefined;
      });
    this.#running = running;
    return running;
  }

  /** The last reload attempt since start; undefined before the first. */
  get last(): LastReload | undefined {
    return this.#last;
  }

  async #run(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    const { logger, readiness, metrics } = this.#options;
    const startedAt = performance.now();
    const elapsed = () => Math.round((performance.now() - startedAt) * 10) / 10;
    let candidate: LoadedCandidate;
    try {
      candidate = await this.#options.load();
    } catch (error) {
      // Not a config mistake (those come back as errors): still, the old config keeps serving.
      logger.error({ err: error, trigger }, 'config reload failed unexpectedly; the old config keeps serving');
      return this.#failed([`reload failed unexpectedly: ${(error as Error).message}`], elapsed());
    }
    const errors = candidate.errors.filter((e) => e.severity === 'error');
    if (errors.length > 0) {
      const lines = errors.map(describeError);
      logger.error({ trigger, errors: lines }, `config reload refused (${errors.length} error${errors.length === 1 ? '' : 's'}); the old config keeps serving`);
      return this.#failed(lines, elapsed());
    }
    if (candidate.version === this.#options.currentVersion()) {
      metrics?.reloaded('unchanged');
      readiness.reloadSucceeded();
      return { result: 'unchanged', configVersion: candidate.version, durationMs: elapsed() };
    }
    const { kept, replaced } = candidate.apply();
    metrics?.reloaded('ok');
    metrics?.setConfigVersion(candidate.version);
    readiness.reloadSucceeded();
    const durationMs = elapsed();
    logger.info({ trigger, configVersion: candidate.version, keptConnectors: kept, replacedConnectors: replaced, durationMs }, 'config reloaded');
    return { result: 'ok', configVersion: candidate.version, durationMs };
  }

  #failed(errors: string[], durationMs: number): ReloadOutcome {
    this.#options.metrics?.reloaded('failed');
    this.#options.readiness.reloadFailed({ at: new Date().toISOString(), errors });
    return { result: 'failed', configVersion: this.#options.currentVersion(), errors, durationMs };
  }
}

/** `connectors/crm.yaml:4:3: CONFIG_UNKNOWN_KEY expected one of …`: one line, for logs and /readyz. */
export function describeError(error: ConfigError): string {
  const at = error.source ? `${displayPath(error.source.file)}:${error.source.line}:${error.source.column}: ` : '';
  return `${at}${error.code} ${error.message}`;
}
