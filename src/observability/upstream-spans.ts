import { SpanKind, trace, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import type { SendWrapper } from '../resilience/compose.ts';
import type { CallObserver, SendOptions, UpstreamRequest } from '../transports/transport.ts';
import { upstreamOutcome } from './metrics-outcome.ts';
import { recordFailure } from './record-failure.ts';

export interface UpstreamSpanParts {
  tracer: Tracer;
  /** The context the call is made in: a plan stage's, carried by the tracing context manager. */
  activeContext(): Context;
  /** The W3C headers naming the span of `context` as the upstream's parent. */
  traceHeaders(context: Context): Record<string, string>;
}

/**
 * One client span per upstream call, named `connector.operation`: connector, operation, batch
 * size, retries made, cache hit or coalesced, outcome (`ok` or the metrics' outcome label, with
 * the error code in `error.type`), the HTTP status or the gRPC method and status. It is the
 * outermost wrapper of a connector's pipeline, so a call answered by the cache or by an identical
 * call in flight is a span too; the call's trace context goes down in `SendOptions.traceHeaders`
 * and `withTraceHeaders` writes it into the call below the cache and coalescing (whose keys must
 * not see it).
 *
 * A call in a request that is not sampled gets no span but still carries the trace context (its
 * `traceparent` says "not sampled"), so the upstream's own tracing follows the caller's decision.
 */
export function upstreamSpanWrapper(connector: string, parts: UpstreamSpanParts): SendWrapper {
  const { tracer } = parts;
  return (next) => (request, options) => {
    const parentContext = parts.activeContext();
    const parent = trace.getSpan(parentContext);
    // Outside a traced request (`tessera explain`, a test driving the executor): nothing to attach to.
    if (parent === undefined) return next(request, options);
    if (!parent.isRecording()) return next(request, { ...options, traceHeaders: parts.traceHeaders(parentContext) });
    const span = tracer.startSpan(`${connector}.${request.operation}`, { kind: SpanKind.CLIENT, attributes: callAttributes(connector, request, options) }, parentContext);
    // The wrappers below count into this call's own observer; the request's stats get the same counts after.
    const own: CallObserver = { retries: 0, cacheHits: 0 };
    const settle = (): void => {
      span.setAttribute('tessera.retry.count', own.retries);
      span.setAttribute('tessera.cache.hit', own.cacheHits > 0);
      if (own.coalesced) span.setAttribute('tessera.coalesced', true);
      const outer = options.observer;
      if (!outer) return;
      outer.retries += own.retries;
      outer.cacheHits += own.cacheHits;
      if (own.coalesced) outer.coalesced = (outer.coalesced ?? 0) + own.coalesced;
    };
    return next(request, { ...options, observer: own, traceHeaders: parts.traceHeaders(trace.setSpan(parentContext, span)) }).then(
      (response) => {
        settle();
        span.setAttribute('tessera.outcome', 'ok');
        if (request.rpc === undefined) span.setAttribute('http.response.status_code', response.status);
        span.end();
        return response;
      },
      (error: unknown) => {
        settle();
        span.setAttribute('tessera.outcome', upstreamOutcome(error));
        const details = (error as { details?: Record<string, unknown> } | null)?.details;
        if (typeof details?.status === 'number') span.setAttribute('http.response.status_code', details.status);
        if (typeof details?.grpcStatus === 'string') span.setAttribute('rpc.response.status_code', details.grpcStatus);
        recordFailure(span, error);
        span.end();
        throw error;
      },
    );
  };
}

/**
 * Writes the call's `traceparent` (and `tracestate`) into its headers, which the HTTP transport
 * sends as headers and the gRPC transport as metadata. Sits below the response cache and
 * coalescing, above retry: every attempt of a call names the same client span.
 */
export const withTraceHeaders: SendWrapper = (next) => (request, options) => {
  const extra = options.traceHeaders;
  return next(extra === undefined ? request : { ...request, headers: { ...request.headers, ...extra } }, options);
};

/** `server.address` and `server.port` of an HTTP origin or a gRPC `host:port`, parsed once per distinct value (the config's few). */
const servers = new Map<string, Attributes>();

function serverOf(address: string): Attributes {
  let attributes = servers.get(address);
  if (!attributes) {
    const url = URL.canParse(address) ? new URL(address) : undefined;
    attributes = url ? { 'server.address': url.hostname.replace(/^\[|\]$/g, ''), ...(url.port === '' ? {} : { 'server.port': Number(url.port) }) } : {};
    servers.set(address, attributes);
  }
  return attributes;
}

function callAttributes(connector: string, request: UpstreamRequest, options: SendOptions): Attributes {
  const attributes: Attributes = { 'tessera.connector': connector, 'tessera.operation': request.operation };
  if (options.batchSize !== undefined) attributes['tessera.batch.size'] = options.batchSize;
  if (request.rpc !== undefined) {
    attributes['rpc.system'] = 'grpc';
    attributes['rpc.method'] = request.rpc.path;
    Object.assign(attributes, serverOf(`grpc://${request.rpc.address}`));
  } else {
    attributes['http.request.method'] = request.method;
    Object.assign(attributes, serverOf(request.origin));
  }
  return attributes;
}
