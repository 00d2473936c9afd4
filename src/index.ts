import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config/index.ts';
import { compileBlueprint, type Blueprint } from './blueprint/index.ts';
import type { Executor } from './execute/index.ts';
import { createTransports } from './transports/index.ts';
import { RateLimiter, type ConnectorState } from './resilience/index.ts';
import { configVersion, type CallersConfig, type GatewayConfig } from './config/index.ts';
import { createLogger, type Logger } from './observability/index.ts';
import { Admission, createHttpServer, resolveServerSettings, type GatewayHttpServer, type ServerSettings } from './server/index.ts';
import { ConfigErrorList, type ConfigError } from './errors/gateway-error.ts';
import { formatConfigErrors } from './errors/format-config-error.ts';
import { fileLineReader } from './util/file-line-reader.ts';
import { createGatewayMetrics, resolveMetricsSettings, type MetricsOverrides } from './observability/metrics-settings.ts';
import type { GatewayMetrics } from './observability/metrics.ts';
import { createGatewayTracing, describeTracing, resolveTracingSettings, type TracingOverrides } from './observability/tracing-settings.ts';
import { RELOAD_DEFAULTS } from './server/reload-defaults.ts';
import { createMetricsServer } from './server/metrics-endpoint.ts';
import type { Server } from 'node:http';
import { Readiness } from './server/readiness.ts';
import { LiveConfig } from './server/live-config.ts';
import { buildRuntime, type PipelineEntry, type RuntimeDeps } from './server/reload-runtime.ts';
import { ConfigReloader, type ReloadOutcome, type ReloadTrigger } from './server/reload.ts';
import { watchConfigDirs, type ConfigWatcher } from './server/reload-watch.ts';
import { createReloadEndpoint } from './server/reload-endpoint.ts';
import { CorsPolicy } from './server/cors.ts';
import { resolveConsoleSettings, type ConsoleOverrides } from './console/console-settings.ts';
import { createOperatorConsole, type OperatorConsole } from './console/operator-console.ts';
import { configReport } from './console/config-report.ts';
import { loadManifests, validateTrustedDocuments } from './trusted/load-manifests.ts';
import { FieldUsage } from './observability/field-usage.ts';
import { createUsageEndpoint } from './server/usage-endpoint.ts';
import type { TrustedDocument } from './trusted/trusted-documents.ts';

export interface ConfigLocation {
  /** Folder holding `schemas/` and `connectors/`; defaults to the working directory. */
  configDir?: string;
  schemasDir?: string;
  connectorsDir?: string;
  /** Values for `${VAR}` in connector files; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export interface GatewayOptions extends ConfigLocation {
  logger?: Logger;
  /** Dev/demo mode: GraphiQL and the explain header are on, and upstream errors carry their diagnosis (URL, socket error, attempts, the keys an answer had). */
  dev?: boolean;
  /** Most upstream calls one request may have in flight at once. */
  maxConcurrentCallsPerRequest?: number;
  /** Each request's deadline in ms (default 10 s); callers may lower it with x-tessera-timeout-ms. */
  requestTimeoutMs?: number;
  /** Most /graphql requests served at once; more get a fast 503 OVERLOADED (default 1000). */
  maxInFlight?: number;
  /** Shed with 503 while the event loop's p99 delay exceeds this many ms (default: off). */
  maxEventLoopDelayMs?: number;
  /** On close (SIGTERM), how long in-flight requests may take to finish (default 10 s). */
  shutdownGraceMs?: number;
  /** Per-caller rate limits; override gateway.yaml's `rateLimits`. */
  rateLimits?: ServerSettings['rateLimits'];
  /** false: every request batches its keys alone, whatever `batch.acrossRequests` says; overrides gateway.yaml's `batching.acrossRequests` (default true). */
  batchAcrossRequests?: boolean;
  /** Event-loop utilisation (0..1) above which `batch.acrossRequests` operations pool concurrent requests' keys; overrides gateway.yaml's `batching.busyAbove` (default 0.5; 0: always). */
  batchAcrossRequestsAbove?: number;
  /** Watch the config folders and reload on change (`tessera serve` sets it; gateway.yaml's `reload.watch: false` turns it off). */
  watch?: boolean;
  /** Prometheus metrics; override gateway.yaml's `metrics.enabled` and `metrics.port` (default: off). */
  metrics?: MetricsOverrides;
  /** Called after `POST /admin/reload` reloaded this gateway (a `--workers` worker tells its primary, which reloads the others). */
  onAdminReload?: () => void;
  /** A `--workers` worker: its primary serves `metrics.port` (the sum of all workers), so this gateway does not listen there. */
  metricsServedByPrimary?: boolean;
  /** OpenTelemetry traces; override gateway.yaml's `tracing.enabled` and `tracing.sampleRatio`, or send spans to an exporter of your own (default: off). */
  tracing?: TracingOverrides;
  /** The operator's console at /console and its admin API; override gateway.yaml's `console:` (default: off). */
  console?: ConsoleOverrides;
}

export interface ValidationReport {
  blueprint: Blueprint | undefined;
  /** The gateway.yaml settings (every one absent when there is no such file). */
  gateway: GatewayConfig;
  /** callers.yaml (undefined when there is none: authentication off). */
  callers: CallersConfig | undefined;
  errors: ConfigError[];
  warnings: ConfigError[];
  /** Every error and warning, printed with file:line:col and a source excerpt. */
  text: string;
  /** A short hash of everything loaded: the config version `/readyz` and the metrics report. */
  version: string;
  /** The documents of the trusted-documents manifests (none when there are none). */
  trustedDocuments: TrustedDocument[];
  /** The folders hot reload watches: the config folder, schemas/, connectors/, the .proto files' folders. */
  watchedDirs: string[];
}

/** Loads and compiles the config; reports every problem instead of throwing. `tessera validate` prints this. */
export async function validateConfig(location: ConfigLocation = {}): Promise<ValidationReport> {
  const configDir = location.configDir ?? process.cwd();
  const connectorsDir = location.connectorsDir ?? path.join(configDir, 'connectors');
  const { config, errors } = await loadConfig({
    schemasDir: location.schemasDir ?? path.join(configDir, 'schemas'),
    connectorsDir,
    gatewayFile: path.join(configDir, 'gateway.yaml'),
    callersFile: path.join(configDir, 'callers.yaml'),
    env: location.env ?? process.env,
  });
  // Compile even when some connector files are broken, so schema problems show in the same run.
  const brokenConnectors = new Set(
    errors.flatMap((e) => (e.source && path.dirname(path.resolve(e.source.file)) === path.resolve(connectorsDir) ? [path.basename(e.source.file).replace(/\.ya?ml$/, '')] : [])),
  );
  const compiled = compileBlueprint(config, { brokenConnectors });
  // Trusted documents: every manifest read, and every document checked against the schema.
  const manifests = await loadManifests(configDir, config.gateway.trustedDocuments?.manifests ?? []);
  if (compiled.blueprint) manifests.errors.push(...validateTrustedDocuments(manifests.documents, compiled.blueprint.schema));
  if (manifests.errors.length > 0) compiled.blueprint = undefined;
  const allErrors = [...errors, ...compiled.errors, ...manifests.errors];
  if (errors.length > 0) compiled.blueprint = undefined;
  const overrides = new Map(config.schemaFiles.map((f) => [f.file, f.text]));
  const text = formatConfigErrors([...allErrors, ...compiled.warnings], fileLineReader(overrides));
  // .proto files are config too: a changed proto is a new version, and their folders are watched.
  const protoFiles = config.connectors.flatMap((c) => (c.transportSettings as { protoFiles?: string[] } | undefined)?.protoFiles ?? []);
  const protoTexts = await Promise.all(protoFiles.map((file) => readFile(file, 'utf8').catch(() => '')));
  return {
    blueprint: compiled.blueprint,
    gateway: config.gateway,
    callers: config.callers,
    errors: allErrors,
    warnings: compiled.warnings,
    text,
    version: configVersion(config, [...protoTexts, ...manifests.texts]),
    trustedDocuments: manifests.documents,
    watchedDirs: [
      configDir,
      location.schemasDir ?? path.join(configDir, 'schemas'),
      connectorsDir,
      ...protoFiles.map((f) => path.dirname(f)),
      ...(config.gateway.trustedDocuments?.manifests ?? []).map((m) => path.dirname(path.join(configDir, m))),
    ],
  };
}

export interface Gateway {
  readonly blueprint: Blueprint;
  readonly executor: Executor;
  readonly logger: Logger;
  readonly warnings: readonly ConfigError[];
  /** callers.yaml's mode as served now: `off` when there is no callers.yaml. */
  readonly authMode: 'required' | 'optional' | 'off';
  /**
   * Loads the config again and, if it validates, swaps it in (in-flight requests finish on the
   * old one); a bad config is refused and the old one keeps serving. One reload at a time.
   */
  reload(trigger?: ReloadTrigger): Promise<ReloadOutcome>;
  /** Starts serving HTTP; resolves with the URL once listening. */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; http: GatewayHttpServer; metricsUrl?: string | undefined }>;
  /** What /readyz reports: config version, connection checks, the last reload error. */
  readonly readiness: Readiness;
  /** Which fields each caller requested (what `GET /admin/usage` reports). */
  readonly usage: FieldUsage;
  /** The Prometheus metrics, when on. */
  readonly metrics: GatewayMetrics | undefined;
  /** Per connector: circuit breaker state, calls in flight and queued (for operators and health pages). */
  connectorStates(): Record<string, ConnectorState>;
  /** Stops accepting, lets in-flight requests finish, closes upstream pools. */
  close(): Promise<void>;
}

/** The one public entry: config → blueprint → executor → server. Throws ConfigErrorList on bad config. */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const report = await validateConfig(options);
  if (!report.blueprint) throw new ConfigErrorList(report.errors, report.text);
  const logger = options.logger ?? createLogger({});
  const transports = createTransports();
  const metricsSettings = resolveMetricsSettings(options.metrics, report.gateway);
  const tracingSettings = resolveTracingSettings(options.tracing, report.gateway);
  const tracing = await createGatewayTracing(tracingSettings);
  if (tracing) logger.info(describeTracing(tracingSettings), 'tracing on');
  const consoleSettings = resolveConsoleSettings(options.console, report.gateway);
  // The console reads the metrics' counters: with it on they are kept, served on /metrics or not.
  const metrics = createGatewayMetrics({ ...metricsSettings, enabled: metricsSettings.enabled || consoleSettings.enabled }, report.blueprint);
  const exportedMetrics = metricsSettings.enabled ? metrics : undefined;
  // Which fields each caller requests: one count per executed plan, kept across reloads.
  const usage = new FieldUsage();
  const settings = resolveServerSettings(options, report.gateway);
  // With `redis:`, what replicas share (response caches, per-caller limits); without it nothing
  // of scale-out/ is even loaded, and every cache and limit is in-process as before.
  let servedVersion = report.version;
  const scaleOut = report.gateway.redis
    ? (await import('./scale-out/index.ts')).createScaleOut(report.gateway.redis, settings.rateLimits, () => servedVersion, logger)
    : undefined;
  const deps: RuntimeDeps = {
    transports,
    logger,
    metrics,
    tracing,
    dev: options.dev ?? false,
    maxConcurrentCallsPerRequest: options.maxConcurrentCallsPerRequest,
    batchAcrossRequests: options.batchAcrossRequests,
    batchAcrossRequestsAbove: options.batchAcrossRequestsAbove,
    usage,
    sharedCache: scaleOut?.cacheFor,
  };
  // One pipeline per connector: breakers, budgets and queues are shared by all requests, and
  // kept across reloads for connectors whose definition did not change.
  let runtime = buildRuntime({ blueprint: report.blueprint, gateway: report.gateway, callers: report.callers, version: report.version, trustedDocuments: report.trustedDocuments }, deps).runtime;
  const live = new LiveConfig(runtime.serving);
  const admission = new Admission({
    maxInFlight: settings.maxInFlight,
    maxEventLoopDelayMs: settings.maxEventLoopDelayMs,
    rateLimiter: scaleOut?.rateLimiter ?? new RateLimiter(settings.rateLimits),
  });
  const connectorStates = () => Object.fromEntries([...runtime.pipelines].map(([name, entry]) => [name, entry.pipeline.state()]));
  const markedConnectorStates = () => {
    const byTraffic: Record<string, Record<string, ConnectorState>> = {};
    for (const [name, entry] of runtime.pipelines) {
      for (const [traffic, state] of Object.entries(entry.pipeline.markedStates())) (byTraffic[traffic] ??= {})[name] = state;
    }
    return byTraffic;
  };
  metrics?.setSources({ inFlight: () => admission.inFlight, connectorStates, markedConnectorStates, planCache: () => ({ size: live.current.executor.planCache.size, stats: live.current.executor.planCache.stats }) });
  const readiness = new Readiness();
  if (scaleOut) {
    readiness.reportRedis(() => scaleOut.health());
    if (metrics) scaleOut.registerMetrics(metrics.registry);
  }
  readiness.configLoaded(report.version, report.blueprint.connectors);
  metrics?.setConfigVersion(report.version);
  // Pipelines a reload replaced: closed once no request can still be using them.
  const draining = new Set<{ timer: NodeJS.Timeout; entries: PipelineEntry[] }>();
  const drainMs = settings.requestTimeoutMs + 1_000; // a request never outlives its deadline
  const restartOnly = (gateway: ValidationReport['gateway']) => JSON.stringify([gateway.server, gateway.rateLimits, gateway.metrics, gateway.tracing, gateway.reload, gateway.cors, gateway.redis]);
  let watchedDirs = report.watchedDirs;
  const reloader = new ConfigReloader({
    currentVersion: () => live.current.version,
    logger,
    readiness,
    metrics,
    async load() {
      const next = await validateConfig(options);
      return {
        version: next.version,
        errors: next.errors,
        apply() {
          const built = buildRuntime({ blueprint: next.blueprint!, gateway: next.gateway, callers: next.callers, version: next.version, trustedDocuments: next.trustedDocuments }, deps, runtime.pipelines);
          const previous = runtime;
          runtime = built.runtime;
          servedVersion = next.version;
          const old = live.swap(runtime.serving);
          metrics?.retirePlanCache(old.executor.planCache.stats);
          readiness.configLoaded(next.version, next.blueprint!.connectors);
          watchedDirs = next.watchedDirs;
          watcher?.rearm(watchedDirs);
          if (built.retired.length > 0) {
            const entry = { timer: setTimeout(() => closeDrained(entry), drainMs), entries: built.retired };
            entry.timer.unref();
            draining.add(entry);
          }
          if (restartOnly(next.gateway) !== restartOnly(report.gateway)) {
            logger.warn('gateway.yaml server, rateLimits, metrics, tracing, reload, cors and redis settings take effect on restart; the rest of the new config is served now');
          }
          const replaced = [...previous.pipelines.keys()].filter((name) => !built.kept.includes(name));
          return { kept: built.kept, replaced };
        },
      };
    },
  });
  const closeDrained = (entry: { timer: NodeJS.Timeout; entries: PipelineEntry[] }) => {
    clearTimeout(entry.timer);
    draining.delete(entry);
    for (const { pipeline } of entry.entries) pipeline.close();
  };
  const reloadSettings = report.gateway.reload;
  let watcher: ConfigWatcher | undefined;
  if (options.watch && reloadSettings?.watch !== false) {
    watcher = watchConfigDirs(watchedDirs, reloadSettings?.debounceMs ?? RELOAD_DEFAULTS.debounceMs, () => void reloader.reload('watch'), logger);
  }
  const adminToken = reloadSettings?.adminToken;
  const operatorConsole: OperatorConsole | undefined =
    consoleSettings.enabled && metrics
      ? createOperatorConsole(consoleSettings.adminToken!, {
          metrics,
          authenticate: (headers) => live.current.authenticator?.authenticate(headers),
          blueprint: () => runtime.blueprint,
          usage: () => usage.report(live.current.schema),
          config: () => configReport(readiness.report(), reloader.last),
          connectors: () => {
            const checks = readiness.report().connectors;
            return runtime.blueprint.connectors.map((connector) => {
              const { pipeline } = runtime.pipelines.get(connector.name)!;
              return {
                name: connector.name,
                transport: connector.transport,
                state: pipeline.state(),
                breakerSince: pipeline.breakerSince(),
                concurrency: pipeline.policy.concurrency,
                operations: Object.keys(connector.operations),
                connectionCheck: checks[connector.name] ?? 'skipped',
              };
            });
          },
        }, undefined, consoleSettings.scope)
      : undefined;
  let http: GatewayHttpServer | undefined;
  let metricsServer: Server | undefined;
  return {
    get blueprint() {
      return runtime.blueprint;
    },
    get executor() {
      return live.current.executor;
    },
    logger,
    metrics: exportedMetrics,
    usage,
    readiness,
    warnings: report.warnings,
    get authMode() {
      return live.current.authenticator?.mode ?? 'off';
    },
    reload: (trigger = 'api') => reloader.reload(trigger),
    async listen({ port = 4000, host = '127.0.0.1' } = {}) {
      const separateMetrics = exportedMetrics !== undefined && metricsSettings.port !== undefined;
      http = createHttpServer({
        schema: runtime.blueprint.schema,
        executor: live.current.executor,
        live,
        logger,
        dev: options.dev ?? false,
        requestTimeoutMs: settings.requestTimeoutMs,
        maxBodyBytes: settings.maxBodyBytes,
        headersTimeoutMs: settings.headersTimeoutMs,
        bodyTimeoutMs: settings.bodyTimeoutMs,
        maxConnections: settings.maxConnections,
        admission,
        metrics,
        tracing,
        serveMetrics: exportedMetrics !== undefined && !separateMetrics,
        operatorConsole,
        readiness,
        adminReload: adminToken ? createReloadEndpoint(adminToken, () => reloader.reload('admin').finally(() => options.onAdminReload?.())) : undefined,
        cors: report.gateway.cors ? new CorsPolicy(report.gateway.cors) : undefined,
        adminUsage: adminToken ? createUsageEndpoint(adminToken, usage, () => live.current.schema) : undefined,
      });
      http.server.listen(port, host);
      try {
        await once(http.server, 'listening');
      } catch (error) {
        http = undefined; // never listened: close() has no server to stop
        throw error;
      }
      const address = http.server.address() as AddressInfo;
      const origin = (p: number) => `http://${host.includes(':') ? `[${host}]` : host}:${p}`;
      const url = origin(address.port);
      if (!separateMetrics) return { url, http, metricsUrl: exportedMetrics ? `${url}/metrics` : undefined };
      if (options.metricsServedByPrimary) return { url, http, metricsUrl: undefined };
      metricsServer = createMetricsServer(exportedMetrics!);
      metricsServer.listen(metricsSettings.port, host);
      await once(metricsServer, 'listening');
      return { url, http, metricsUrl: `${origin((metricsServer.address() as AddressInfo).port)}/metrics` };
    },
    connectorStates,
    async close() {
      readiness.shuttingDown();
      watcher?.close();
      if (metricsServer) {
        const server = metricsServer;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      if (http) {
        const server = http.server;
        http.setReady(false);
        // Stop accepting; idle keep-alive sockets close now, busy ones once their response is sent.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests still running after the grace period lose their connection: exit is bounded.
        const grace = setTimeout(() => server.closeAllConnections(), settings.shutdownGraceMs);
        grace.unref();
        await closed;
        clearTimeout(grace);
      }
      admission.close();
      operatorConsole?.close();
      for (const entry of [...draining]) closeDrained(entry);
      for (const { pipeline } of runtime.pipelines.values()) pipeline.close();
      await transports.close();
      scaleOut?.close();
      // Last: the spans of the requests that just finished are still to be sent.
      await tracing?.shutdown();
    },
  };
}

export { ConfigErrorList } from './errors/gateway-error.ts';
export type { ReloadOutcome, ReloadTrigger } from './server/reload.ts';
export type { Blueprint } from './blueprint/index.ts';
