import path from 'node:path';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config/index.ts';
import { compileBlueprint, type Blueprint } from './blueprint/index.ts';
import { Executor } from './execute/index.ts';
import { createTransports } from './transports/index.ts';
import { createConnectorPipeline, RateLimiter, type ConnectorPipeline, type ConnectorState } from './resilience/index.ts';
import type { GatewayConfig } from './config/index.ts';
import { createLogger, type Logger } from './observability/index.ts';
import { Admission, createHttpServer, resolveServerSettings, type GatewayHttpServer, type ServerSettings } from './server/index.ts';
import { ConfigErrorList, type ConfigError } from './errors/gateway-error.ts';
import { formatConfigErrors } from './errors/format-config-error.ts';
import { fileLineReader } from './util/file-line-reader.ts';

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
}

export interface ValidationReport {
  blueprint: Blueprint | undefined;
  /** The gateway.yaml settings (every one absent when there is no such file). */
  gateway: GatewayConfig;
  errors: ConfigError[];
  warnings: ConfigError[];
  /** Every error and warning, printed with file:line:col and a source excerpt. */
  text: string;
}

/** Loads and compiles the config; reports every problem instead of throwing. `tessera validate` prints this. */
export async function validateConfig(location: ConfigLocation = {}): Promise<ValidationReport> {
  const configDir = location.configDir ?? process.cwd();
  const connectorsDir = location.connectorsDir ?? path.join(configDir, 'connectors');
  const { config, errors } = await loadConfig({
    schemasDir: location.schemasDir ?? path.join(configDir, 'schemas'),
    connectorsDir,
    gatewayFile: path.join(configDir, 'gateway.yaml'),
    env: location.env ?? process.env,
  });
  // Compile even when some connector files are broken, so schema problems show in the same run.
  const brokenConnectors = new Set(
    errors.flatMap((e) => (e.source && path.dirname(path.resolve(e.source.file)) === path.resolve(connectorsDir) ? [path.basename(e.source.file).replace(/\.ya?ml$/, '')] : [])),
  );
  const compiled = compileBlueprint(config, { brokenConnectors });
  const allErrors = [...errors, ...compiled.errors];
  if (errors.length > 0) compiled.blueprint = undefined;
  const overrides = new Map(config.schemaFiles.map((f) => [f.file, f.text]));
  const text = formatConfigErrors([...allErrors, ...compiled.warnings], fileLineReader(overrides));
  return { blueprint: compiled.blueprint, gateway: config.gateway, errors: allErrors, warnings: compiled.warnings, text };
}

export interface Gateway {
  readonly blueprint: Blueprint;
  readonly executor: Executor;
  readonly logger: Logger;
  readonly warnings: readonly ConfigError[];
  /** Starts serving HTTP; resolves with the URL once listening. */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; http: GatewayHttpServer }>;
  /** Per connector: circuit breaker state, calls in flight and queued (for operators and health pages). */
  connectorStates(): Record<string, ConnectorState>;
  /** Stops accepting, lets in-flight requests finish, closes upstream pools. */
  close(): Promise<void>;
}

/** The one public entry: config → blueprint → executor → server. Throws ConfigErrorList on bad config. */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const report = await validateConfig(options);
  if (!report.blueprint) throw new ConfigErrorList(report.errors, report.text);
  const blueprint = report.blueprint;
  const logger = options.logger ?? createLogger({});
  const transports = createTransports();
  // One pipeline per connector, built once: breakers, budgets and queues are shared by all requests.
  const pipelines = new Map<string, ConnectorPipeline>();
  for (const connector of blueprint.connectors) {
    pipelines.set(
      connector.name,
      createConnectorPipeline(connector, transports.get(connector.transport), (name, state) =>
        logger[state === 'closed' ? 'info' : 'warn']({ connector: name, state }, `circuit breaker ${state}`),
      ),
    );
  }
  const executor = new Executor({
    blueprint,
    sendFor: (connector) => pipelines.get(connector)!.send,
    logger,
    dev: options.dev ?? false,
    maxConcurrentCallsPerRequest: options.maxConcurrentCallsPerRequest,
    // createGateway's options win over gateway.yaml, as for the server settings.
    batchAcrossRequests: options.batchAcrossRequests ?? report.gateway.batching.acrossRequests,
    batchAcrossRequestsAbove: options.batchAcrossRequestsAbove ?? report.gateway.batching.busyAbove,
  });
  const settings = resolveServerSettings(options, report.gateway);
  const admission = new Admission({
    maxInFlight: settings.maxInFlight,
    maxEventLoopDelayMs: settings.maxEventLoopDelayMs,
    rateLimiter: new RateLimiter(settings.rateLimits),
  });
  let http: GatewayHttpServer | undefined;
  return {
    blueprint,
    executor,
    logger,
    warnings: report.warnings,
    async listen({ port = 4000, host = '127.0.0.1' } = {}) {
      http = createHttpServer({ schema: blueprint.schema, executor, logger, dev: options.dev ?? false, requestTimeoutMs: settings.requestTimeoutMs, admission });
      http.server.listen(port, host);
      try {
        await once(http.server, 'listening');
      } catch (error) {
        http = undefined; // never listened: close() has no server to stop
        throw error;
      }
      const address = http.server.address() as AddressInfo;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`, http };
    },
    connectorStates: () => Object.fromEntries([...pipelines].map(([name, pipeline]) => [name, pipeline.state()])),
    async close() {
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
      for (const pipeline of pipelines.values()) pipeline.close();
      await transports.close();
    },
  };
}

export { ConfigErrorList } from './errors/gateway-error.ts';
export type { Blueprint } from './blueprint/index.ts';
