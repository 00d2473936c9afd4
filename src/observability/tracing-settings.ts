import type { GatewayConfig } from '../config/index.ts';
import type { GatewayTracing } from './tracing.ts';

/** The exporter interface of the OpenTelemetry SDK (`SpanExporter` of @opentelemetry/sdk-trace), kept structural so this file loads no SDK. */
export interface SpanExporterLike {
  export(spans: unknown[], done: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/** createGateway's `tracing` option: wins over gateway.yaml's `tracing:`. */
export interface TracingOverrides {
  enabled?: boolean | undefined;
  sampleRatio?: number | undefined;
  /**
   * Spans go here instead of the configured exporter, each as it ends (an InMemorySpanExporter
   * in tests, an embedder's own exporter).
   */
  exporter?: SpanExporterLike | undefined;
}

export interface TracingSettings {
  enabled: boolean;
  exporter: 'otlp' | 'console' | SpanExporterLike;
  /** undefined: the OTLP exporter's own default (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else http://localhost:4318/v1/traces). */
  endpoint: string | undefined;
  headers: Record<string, string>;
  serviceName: string;
  sampleRatio: number;
}

export const TRACING_DEFAULTS = Object.freeze({ exporter: 'otlp', serviceName: 'tessera', sampleRatio: 1 } as const);

export function resolveTracingSettings(overrides: TracingOverrides | undefined, config: GatewayConfig): TracingSettings {
  const t = config.tracing;
  return {
    enabled: overrides?.enabled ?? t?.enabled ?? false,
    exporter: overrides?.exporter ?? t?.exporter ?? TRACING_DEFAULTS.exporter,
    endpoint: t?.endpoint,
    headers: t?.headers ?? {},
    serviceName: t?.serviceName ?? TRACING_DEFAULTS.serviceName,
    sampleRatio: overrides?.sampleRatio ?? t?.sampleRatio ?? TRACING_DEFAULTS.sampleRatio,
  };
}

/** What the start-up log says of tracing: where spans go and how many, never the export headers (they may hold a token). */
export function describeTracing(settings: TracingSettings): Record<string, unknown> {
  const exporter = typeof settings.exporter === 'string' ? settings.exporter : 'custom';
  return {
    exporter,
    ...(exporter === 'otlp' ? { endpoint: settings.endpoint ?? 'the OTEL_EXPORTER_OTLP_* variables, else http://localhost:4318/v1/traces' } : {}),
    serviceName: settings.serviceName,
    sampleRatio: settings.sampleRatio,
  };
}

/**
 * The gateway's tracing, or undefined when it is off: then the OpenTelemetry SDK is never even
 * loaded, and nothing on the request path creates a span or enters a context.
 */
export async function createGatewayTracing(settings: TracingSettings): Promise<GatewayTracing | undefined> {
  if (!settings.enabled) return undefined;
  const { createTracing } = await import('./tracing-sdk.ts');
  return createTracing(settings);
}
