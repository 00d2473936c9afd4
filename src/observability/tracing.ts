import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type ContextManager,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import type { SendWrapper } from '../resilience/compose.ts';
import type { RequestContext } from './request-context.ts';
import { ExecutionTrace } from './execution-trace.ts';
import { upstreamSpanWrapper, withTraceHeaders } from './upstream-spans.ts';

/** What the gateway's tracing is built from (tracing-sdk.ts wires the OpenTelemetry SDK into it). */
export interface TracingParts {
  tracer: Tracer;
  /** Carries the active span across awaits: the request's, then a plan stage's. Never registered globally. */
  contextManager: ContextManager;
  /** W3C trace context: reads the caller's `traceparent`/`tracestate`, writes them on upstream calls. */
  propagator: TextMapPropagator;
  /** Exports what is still buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

/**
 * The gateway's OpenTelemetry traces: a server span per /graphql request (both doors), spans for
 * planning, each plan stage and shaping (execution-trace.ts), a client span per upstream call with
 * the W3C trace context sent along (upstream-spans.ts). It exists only while tracing is on; off,
 * the server, the executor and the connector pipelines hold `undefined` and create nothing.
 *
 * Nothing is registered with the OpenTelemetry API's globals: two gateways in one process (tests,
 * embedders) each keep their own tracer, sampler and exporter.
 */
export class GatewayTracing {
  readonly #tracer: Tracer;
  readonly #contexts: ContextManager;
  readonly #propagator: TextMapPropagator;
  readonly #shutdown: () => Promise<void>;

  constructor(parts: TracingParts) {
    this.#tracer = parts.tracer;
    this.#contexts = parts.contextManager;
    this.#propagator = parts.propagator;
    this.#shutdown = parts.shutdown;
  }

  /**
   * Serves one /graphql request inside its server span: the caller's `traceparent` (if any and
   * valid) is its parent, and the span ends when the response is done (or the connection is
   * gone), with the status the caller got. The span is named `POST /graphql` until the executor
   * knows the operation (`query Panel`).
   */
  traceRequest<T>(req: IncomingMessage, res: ServerResponse, context: RequestContext, serve: () => T): T {
    const parent = this.#propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const method = req.method ?? 'GET';
    const span = this.#tracer.startSpan(
      `${method} /graphql`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': '/graphql',
          'tessera.request.id': context.requestId,
          ...(context.callerId === undefined ? {} : { 'tessera.caller.id': context.callerId }),
        },
      },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.statusCode}` });
      else if (!res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the connection closed before the answer was sent' });
      span.end();
    });
    return this.#contexts.with(trace.setSpan(parent, span), serve);
  }

  /** The spans of one execution, or undefined outside a recorded request (tracing's sampler said no, or no request span). */
  beginExecution(): ExecutionTrace | undefined {
    const context = this.#contexts.active();
    const span = trace.getSpan(context);
    if (span === undefined || !span.isRecording()) return undefined;
    return new ExecutionTrace(this.#tracer, this.#contexts, context, span);
  }

  /** A connector's outermost wrapper: one client span per call (retries, cache hits and coalescing included). */
  upstreamWrapper(connector: string): SendWrapper {
    return upstreamSpanWrapper(connector, {
      tracer: this.#tracer,
      activeContext: () => this.#contexts.active(),
      traceHeaders: (context) => this.#traceHeaders(context),
    });
  }

  /** Below the cache and coalescing: writes the call's trace context into its headers (HTTP headers, gRPC metadata). */
  readonly traceHeadersWrapper: SendWrapper = withTraceHeaders;

  /** `traceparent` (and `tracestate`) naming the span of `context` as the parent of what the upstream does. */
  #traceHeaders(context: Context): Record<string, string> {
    const carrier: Record<string, string> = {};
    this.#propagator.inject(context, carrier, defaultTextMapSetter);
    return carrier;
  }

  /** Sends the spans still buffered and stops the exporter (gateway close). */
  shutdown(): Promise<void> {
    return this.#shutdown();
  }
}

