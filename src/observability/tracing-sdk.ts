import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { GatewayTracing } from './tracing.ts';
import type { TracingSettings } from './tracing-settings.ts';

const TRACER_NAME = 'tessera';

/**
 * Wires the OpenTelemetry SDK (@opentelemetry/sdk-trace 3.x) for one gateway: parent-based
 * sampling (a caller's sampled flag decides for its traces, `sampleRatio` for new ones), the
 * `service.name` resource, and the exporter: OTLP/HTTP batched to a collector, the console, or
 * an exporter given in code (each span exported as it ends, so tests see it at once).
 */
export function createTracing(settings: TracingSettings): GatewayTracing {
  const processor = spanProcessor(settings);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [processor],
  });
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  return new GatewayTracing({
    tracer: provider.getTracer(TRACER_NAME),
    contextManager,
    propagator: new W3CTraceContextPropagator(),
    shutdown: async () => {
      await provider.shutdown();
      contextManager.disable();
    },
  });
}

function spanProcessor(settings: TracingSettings): SpanProcessor {
  if (settings.exporter === 'console') return new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() });
  if (settings.exporter === 'otlp') {
    // Absent settings are left out, so the exporter's own OTEL_EXPORTER_OTLP_* variables apply.
    const exporter = new OTLPTraceExporter({
      ...(settings.endpoint === undefined ? {} : { url: settings.endpoint }),
      ...(Object.keys(settings.headers).length === 0 ? {} : { headers: settings.headers }),
    });
    // Spans are sent in the background, 512 at a time, at most every 5 s; past 2048 waiting, new ones are dropped.
    return new BatchSpanProcessor({ exporter });
  }
  return new SimpleSpanProcessor({ exporter: settings.exporter as SpanExporter });
}
