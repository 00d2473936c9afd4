import type { Blueprint } from '../blueprint/index.ts';
import { connectorFingerprint, type CallersConfig, type GatewayConfig } from '../config/index.ts';
import { createAuthenticator } from '../callers/authenticator.ts';
import { Executor } from '../execute/index.ts';
import type { Logger } from '../observability/index.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { GatewayTracing } from '../observability/tracing.ts';
import { meteredOperations } from '../observability/metrics-settings.ts';
import { createConnectorPipeline, TrafficPipelines, type ConnectorPolicy, type SendWrapper } from '../resilience/index.ts';
import { ISOLATION_DEFAULTS } from '../config/index.ts';
import { TrafficMarks } from './traffic-mark.ts';
import type { createTransports } from '../transports/index.ts';
import type { ServingConfig } from './live-config.ts';
import { LimitPolicy } from '../limits/operation-limits.ts';
import type { FieldUsage } from '../observability/field-usage.ts';
import { TrustedDocuments, type TrustedDocument } from '../trusted/trusted-documents.ts';

/** A connector's pipeline and the definition it was built from. */
export interface PipelineEntry {
  fingerprint: string;
  /** Production's pipeline and, built on first use, one per traffic mark. */
  pipeline: TrafficPipelines;
}

/** Everything one loaded config runs on. */
export interface Runtime {
  serving: ServingConfig;
  blueprint: Blueprint;
  pipelines: ReadonlyMap<string, PipelineEntry>;
}

export interface RuntimeDeps {
  transports: ReturnType<typeof createTransports>;
  logger: Logger;
  metrics: GatewayMetrics | undefined;
  /** OpenTelemetry traces, when on: fixed at start, so kept pipelines stay right across reloads. */
  tracing: GatewayTracing | undefined;
  dev: boolean;
  maxConcurrentCallsPerRequest: number | undefined;
  /** createGateway's overrides of gateway.yaml's `batching:`. */
  batchAcrossRequests: boolean | undefined;
  batchAcrossRequestsAbove: number | undefined;
  /** Field usage, counted across reloads. */
  usage?: FieldUsage | undefined;
  /** With `redis:`: the response cache of one connector's pipeline for one traffic, shared by replicas. */
  sharedCache?: ((connector: string, traffic: string | undefined) => (bounds: ConnectorPolicy['cache']) => SendWrapper) | undefined;
}

/**
 * Builds the runtime of a validated config. Connectors whose definition did not change keep the
 * pipeline (and so the pools' transport, breaker, bulkhead, retry budget and response cache) of
 * `previous`; the others get a new one. Returns the previous pipelines that are no longer used,
 * for the caller to close once the requests still running on them are done.
 */
export function buildRuntime(
  input: { blueprint: Blueprint; gateway: GatewayConfig; callers?: CallersConfig | undefined; version: string; trustedDocuments?: readonly TrustedDocument[] | undefined },
  deps: RuntimeDeps,
  previous: ReadonlyMap<string, PipelineEntry> = new Map(),
): { runtime: Runtime; kept: string[]; retired: PipelineEntry[] } {
  const { blueprint } = input;
  const pipelines = new Map<string, PipelineEntry>();
  const kept: string[] = [];
  for (const connector of blueprint.connectors) {
    const fingerprint = connectorFingerprint(connector);
    const old = previous.get(connector.name);
    if (old && old.fingerprint === fingerprint) {
      pipelines.set(connector.name, old);
      kept.push(connector.name);
      continue;
    }
    const transport = deps.transports.get(connector.transport);
    const pipeline = new TrafficPipelines((traffic) =>
      createConnectorPipeline(
        connector,
        transport,
        (name, state) =>
          deps.logger[state === 'closed' ? 'info' : 'warn'](traffic === undefined ? { connector: name, state } : { connector: name, state, traffic }, `circuit breaker ${state}${traffic === undefined ? '' : ` (${traffic} traffic)`}`),
        deps.metrics?.upstreamWrapper(connector.name, traffic),
        deps.tracing ? { span: deps.tracing.upstreamWrapper(connector.name), headers: deps.tracing.traceHeadersWrapper } : undefined,
        deps.sharedCache?.(connector.name, traffic),
      ),
    );
    pipelines.set(connector.name, { fingerprint, pipeline });
  }
  const limits = new LimitPolicy(input.gateway.limits);
  const retired = [...previous].filter(([name, entry]) => pipelines.get(name) !== entry).map(([, entry]) => entry);
  const isolation = input.gateway.isolation ?? ISOLATION_DEFAULTS;
  const executor = new Executor({
    blueprint,
    sendFor: (connector, traffic) => (traffic === undefined ? pipelines.get(connector)!.pipeline.send : pipelines.get(connector)!.pipeline.sendFor(traffic)),
    markHeader: isolation.header,
    logger: deps.logger,
    tracing: deps.tracing,
    dev: deps.dev,
    maxConcurrentCallsPerRequest: deps.maxConcurrentCallsPerRequest,
    // createGateway's options win over gateway.yaml, as for the server settings.
    batchAcrossRequests: deps.batchAcrossRequests ?? input.gateway.batching.acrossRequests,
    batchAcrossRequestsAbove: deps.batchAcrossRequestsAbove ?? input.gateway.batching.busyAbove,
    usage: deps.usage,
    sharing: input.gateway.sharing,
    planCache: { tokenCap: limits.lexTokenCap, defaultListSize: limits.defaults.defaultListSize },
  });
  deps.metrics?.setOperations(meteredOperations(blueprint));
  // Swapped with the rest of the config: a rotated or removed key takes effect on reload.
  const authenticator = createAuthenticator(input.callers);
  return { runtime: { serving: { version: input.version, schema: blueprint.schema, executor, authenticator, marks: new TrafficMarks(isolation), front: { limits, trusted: trustedDocumentsOf(input) } }, blueprint, pipelines }, kept, retired };
}

/** The served trusted documents; undefined (nothing to check per request) without `trustedDocuments:`. */
function trustedDocumentsOf(input: { gateway: GatewayConfig; trustedDocuments?: readonly TrustedDocument[] | undefined }): TrustedDocuments | undefined {
  const settings = input.gateway.trustedDocuments;
  if (!settings) return undefined;
  return new TrustedDocuments(input.trustedDocuments ?? [], settings.mode, settings.callers);
}
