import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import type { Executor } from '../execute/index.ts';
import type { Logger } from '../observability/index.ts';
import { requestIdFrom, runWithRequestContext, type RequestContext } from '../observability/index.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { YogaServer } from './create-yoga.ts';
import { acceptsPlainJson, matchFastPath, serializeResult } from './fast-path.ts';
import { admitDocument } from './admit-document.ts';
import { readRequestBody } from './body-reader.ts';
import { EXPLAIN_HEADER } from './explain-header.ts';
import { logAccess } from './log-access.ts';
import { requestDeadline, TIMEOUT_HEADER } from './request-deadline.ts';
import type { Admission } from './admission.ts';
import { SERVER_DEFAULTS } from './server-settings.ts';
import { refuseMediaType } from './media-type-rules.ts';
import { locateGraphiQLAssets, serveGraphiQLAsset } from './graphiql-assets.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { GatewayTracing } from '../observability/tracing.ts';
import { serveMetrics } from './metrics-endpoint.ts';
import type { Readiness } from './readiness.ts';
import { DEFAULT_FRONT_DOOR, LiveConfig, type ServingConfig } from './live-config.ts';
import { isRefusal } from '../callers/authenticator.ts';
import { TrafficMarks } from './traffic-mark.ts';
import { ISOLATION_DEFAULTS } from '../config/index.ts';
import type { CorsPolicy } from './cors.ts';
import { isConsolePath, type OperatorConsole } from '../console/operator-console.ts';

export interface HttpServerOptions {
  schema: GraphQLSchema;
  executor: Executor;
  logger: Logger;
  /** Dev/demo mode: GraphiQL and the explain header are allowed. */
  dev: boolean;
  /** Largest request body accepted (decompressed, on both doors); larger ones get 413. */
  maxBodyBytes?: number;
  /** Node's headersTimeout: a client must send its request headers within this (slowloris). */
  headersTimeoutMs?: number | undefined;
  /** Node's requestTimeout: a client must send its whole request (headers and body) within this. */
  bodyTimeoutMs?: number | undefined;
  /** Node's maxConnections: connections past it are closed as soon as they are accepted. */
  maxConnections?: number | undefined;
  /** Each request's deadline; a caller may lower it with x-tessera-timeout-ms. */
  requestTimeoutMs?: number | undefined;
  /** Load shedding and per-caller rate limits, checked before a /graphql request is read. */
  admission?: Admission | undefined;
  /** Prometheus metrics: counted for every /graphql request when set. */
  metrics?: GatewayMetrics | undefined;
  /** OpenTelemetry traces: every /graphql request is served inside its server span when set. */
  tracing?: GatewayTracing | undefined;
  /** Serve GET /metrics on this server (false when `metrics.port` gives it a port of its own). */
  serveMetrics?: boolean | undefined;
  /** What /readyz reports beyond "not shutting down": config loaded, connection checks, reload errors. */
  readiness?: Readiness | undefined;
  /** The config served now, swapped by hot reload; absent: `schema` and `executor` for good. */
  live?: LiveConfig | undefined;
  /** CORS for /graphql (gateway.yaml `cors:`); absent = off. */
  cors?: CorsPolicy | undefined;
  /** `POST /admin/reload` (when an admin token is configured). */
  adminReload?: ((req: IncomingMessage, res: ServerResponse, requestId: string) => void) | undefined;
  /** `/console` and `/admin/api/*` (when the console is enabled). */
  operatorConsole?: OperatorConsole | undefined;
  /** `GET /admin/usage` and `POST /admin/usage/reset` (when an admin token is configured). */
  adminUsage?: ((req: IncomingMessage, res: ServerResponse, requestId: string, pathname: string) => void) | undefined;
}

export interface GatewayHttpServer {
  server: Server;
  /** Readiness goes false first on shutdown, so load balancers stop sending before we stop. */
  setReady(ready: boolean): void;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The HTTP front door. The hot path (POST JSON of a valid document) is served here directly;
 * everything else goes to graphql-yoga. Both run the same executor, inside one request context.
 */
export function createHttpServer(options: HttpServerOptions): GatewayHttpServer {
  // graphql-yoga is loaded on the first request off the hot path, not at start: a gateway that
  // only ever sees POST JSON never holds it (about 9 MB of heap and 20 MB of RSS).
  // GraphiQL's own files, served from here (no CDN): listed once at start, in dev mode only.
  const graphiqlAssets = options.dev ? locateGraphiQLAssets() : undefined;
  // One yoga per config served, built on its first request; a replaced config's goes with it.
  const yogas = new WeakMap<ServingConfig, Promise<YogaServer>>();
  const yoga = (serving: ServingConfig): Promise<YogaServer> => {
    let loading = yogas.get(serving);
    if (!loading) {
      loading = import('./create-yoga.ts').then(({ createYogaServer }) =>
        createYogaServer({ schema: serving.schema, executor: serving.executor, front: serving.front, dev: options.dev, graphiqlAssets }),
      );
      yogas.set(serving, loading);
    }
    return loading;
  };
  const live = options.live ?? new LiveConfig({ version: '', schema: options.schema, executor: options.executor, front: DEFAULT_FRONT_DOOR });
  const defaultMarks = new TrafficMarks(ISOLATION_DEFAULTS);
  const maxBodyBytes = options.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes;
  const requestTimeoutMs = options.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs;
  const admission = options.admission;
  const metrics = options.metrics;
  const tracing = options.tracing;
  const metricsHere = metrics !== undefined && options.serveMetrics === true ? metrics : undefined;
  let ready = true;

  const handle = async (req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const requestId = context.requestId;
    // The config this request runs on to its end, whatever a reload swaps in meanwhile.
    const serving = live.current;
    if (pathname === '/healthz') return sendJson(res, requestId, 200, { status: 'ok' });
    if (pathname === '/readyz') return sendReadiness(res, requestId, ready, options.readiness);
    if (options.adminReload && pathname === '/admin/reload') return options.adminReload(req, res, requestId);
    if (options.operatorConsole && isConsolePath(pathname)) return options.operatorConsole.handle(req, res, pathname, requestId);
    if (options.adminUsage && (pathname === '/admin/usage' || pathname === '/admin/usage/reset')) return options.adminUsage(req, res, requestId, pathname);
    if (metricsHere && pathname === '/metrics') return serveMetrics(metricsHere, res);
    if (graphiqlAssets && pathname.startsWith(graphiqlAssets.prefix)) return serveGraphiQLAsset(graphiqlAssets, pathname, req, res, requestId);
    if (pathname !== '/graphql') return sendJson(res, requestId, 404, { errors: [{ message: 'Not found. The GraphQL endpoint is /graphql.', extensions: { code: 'NOT_FOUND' } }] });
    // One span for the whole request, whichever door serves it, refusals included.
    if (tracing) return tracing.traceRequest(req, res, context, () => serveGraphQL(req, res, context, serving));
    return serveGraphQL(req, res, context, serving);
  };

  /** A /graphql request: admission, deadline, media-type rules, then the fast path or yoga. */
  const serveGraphQL = async (req: IncomingMessage, res: ServerResponse, context: RequestContext, serving: ServingConfig): Promise<void> => {
    const requestId = context.requestId;
    const cors = options.cors;
    let corsHeaders: Record<string, string> | undefined;
    if (cors) {
      // A preflight carries no credential: answered here, before authentication.
      if (req.method === 'OPTIONS') return sendEmpty(res, requestId, 204, cors.preflight(req.headers));
      corsHeaders = cors.responseHeaders(req.headers);
      if (corsHeaders) for (const [name, value] of Object.entries(corsHeaders)) res.setHeader(name, value);
    }
    if (metrics) context.metered = true;
    // Who is asking, proven, before anything else reads the request: the rate limit, the logs,
    // the metrics and field access all take the caller from here, whichever door serves it.
    const authenticator = serving.authenticator;
    if (authenticator && !(options.dev && isGraphiQLPage(req))) {
      const pending = authenticator.authenticate(req.headers);
      const outcome = pending instanceof Promise ? await pending : pending;
      if (isRefusal(outcome)) return refuseEarly(res, context, outcome.status, outcome.body, outcome.headers);
      context.caller = outcome;
      context.callerId = outcome.id;
    }
    // The traffic mark, read once for both doors (after the caller is known: who may mark is per caller).
    const mark = (serving.marks ?? defaultMarks).read(req.headers, context.callerId);
    if (mark !== undefined) {
      if (typeof mark !== 'string') return refuseEarly(res, context, mark.status, mark.body, mark.headers);
      context.traffic = mark;
    }
    if (admission) {
      const admitted = admission.admit(context.callerId, context.traffic);
      const refused = admitted instanceof Promise ? await admitted : admitted;
      // The client left while a shared rate limit was asked: its slot is given back at once.
      if (!refused && res.closed) return admission.release();
      if (refused) {
        metrics?.shed(refused.status === 429 ? 'rate_limited' : 'overloaded');
        return refuseEarly(res, context, refused.status, refused.body, refused.headers);
      }
      res.once('close', () => admission.release());
    }

    const deadline = requestDeadline(req.headers[TIMEOUT_HEADER], context.startedAt, requestTimeoutMs);
    if (typeof deadline === 'string') return refuseEarly(res, context, 400, { errors: [{ message: deadline, extensions: { code: ErrorCodes.REQUEST_INVALID } }] });
    context.deadlineAt = deadline;
    const explain = req.headers[EXPLAIN_HEADER] === '1';
    if (explain && !options.dev) {
      return refuseEarly(res, context, 403, {
        errors: [{ message: `The ${EXPLAIN_HEADER} header is only honoured in dev/demo mode.`, extensions: { code: ErrorCodes.REQUEST_EXPLAIN_FORBIDDEN } }],
      });
    }
    const mediaRefusal = refuseMediaType(req.method, req.headers['content-type'], req.headers.accept, options.dev);
    if (mediaRefusal) return refuseEarly(res, context, mediaRefusal.status, mediaRefusal.body);
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.setHeader('x-request-id', requestId); // yoga writes the head itself
      await (await yoga(serving)).requestListener(req, res);
      return;
    }
    // One body reader for both doors: limits hold while the body streams, compressed or not.
    const read = await readRequestBody(req, maxBodyBytes);
    if ('aborted' in read) return; // the client went away (or was cut off by bodyTimeoutMs)
    if ('refusal' in read) {
      context.refusal = read.refusal.reason;
      return sendJson(res, requestId, read.refusal.status, { errors: [{ message: read.refusal.message, extensions: { code: read.refusal.code } }] }, { connection: 'close' }); // the rest of the body is never read
    }
    const body = read.body;
    if (!isJsonContentType(req.headers['content-type'])) return forwardToYoga(await yoga(serving), req, res, body, requestId, corsHeaders);
    const sender = { requestId, explain, deadlineAt: deadline, callerHeaders: context.callerHeaders, traffic: context.traffic, scopes: context.caller?.scopes, callerId: context.callerId };
    // The same bytes from the same sender as a request being executed: its answer, unparsed.
    const joined = acceptsPlainJson(req.headers.accept) ? serving.executor.joinIdentical(body, sender) : undefined;
    let result;
    let operationName: string | undefined;
    if (joined) {
      result = await joined;
      operationName = result.operationName;
    } else {
      const fast = matchFastPath(req.headers, body);
      if (!fast) return forwardToYoga(await yoga(serving), req, res, body, requestId, corsHeaders);
      const admitted = admitDocument(serving.front, serving.executor, context.callerId, fast);
      if (admitted.refusal) return refuse(res, context, 400, admitted.refusal);
      if (!admitted.prepared) return forwardToYoga(await yoga(serving), req, res, body, requestId, corsHeaders);
      result = await serving.executor.execute({ ...sender, prepared: admitted.prepared, operationName: fast.operationName, variables: fast.variables, body });
      operationName = result.operationName ?? fast.operationName ?? undefined;
    }
    context.operationName = operationName;
    context.upstreamCalls = result.upstreamCalls;
    context.sharedWith = result.sharedWith;
    // Requests that shared one execution share its serialized answer too: the first to send it writes it.
    const answer = result.answer;
    const text = answer ? (answer.text ??= serializeResult(result)) : serializeResult(result);
    // One writeHead with a flat header list and no setHeader before it: Node then builds the head
    // without merging header maps, and end() sends head and body in one write.
    if (corsHeaders) res.writeHead(200, { 'x-request-id': requestId, 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) });
    else res.writeHead(200, ['x-request-id', requestId, 'content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(text))]);
    res.end(text);
  };

  const headersTimeout = options.headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs;
  const server = createServer(
    {
      keepAliveTimeout: 65_000, // 65 s: outlive typical LB idle timeouts
      headersTimeout,
      requestTimeout: options.bodyTimeoutMs ?? SERVER_DEFAULTS.bodyTimeoutMs,
      // Node checks both timeouts on this interval (its default, 30 s, would let a slowloris
      // client hold a socket 30 s past its timeout): a quarter of the headers timeout, at most 1 s.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
    const context: RequestContext = {
      requestId: requestIdFrom(typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : undefined),
      // Set by authentication only: a caller's own claim of who it is (x-caller-id) counts for nothing.
      callerId: undefined,
      startedAt: performance.now(),
      callerHeaders: req.headers,
    };
    res.once('finish', () => {
      logAccess(options.logger, req, res, context);
      if (context.metered) metrics!.requestDone(context.operationName, context.callerId, res.statusCode, context.startedAt, context.upstreamCalls, context.traffic, context.sharedWith !== undefined);
    });
    runWithRequestContext(context, () => {
      handle(req, res, context).catch((error: unknown) => {
        options.logger.error({ err: error }, 'request failed unexpectedly');
        if (!res.headersSent) sendJson(res, context.requestId, 500, { errors: [{ message: 'Unexpected error.', extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR } }] });
        else res.destroy();
      });
    });
  });
  server.maxConnections = options.maxConnections ?? SERVER_DEFAULTS.maxConnections;
  // Refusals below HTTP (no request to answer): each logged once, with a reason. The caller is not
  // known yet: its headers never arrived whole.
  server.on('drop', (data?: { remoteAddress?: string }) => {
    options.logger.warn({ remoteAddress: data?.remoteAddress, reason: `too many connections (server.maxConnections: ${server.maxConnections})` }, 'connection refused');
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (error.code !== 'ECONNRESET') {
      options.logger.warn({ remoteAddress: (socket as Socket).remoteAddress, reason: timedOut ? `request headers or body too slow (${error.code})` : `malformed request (${error.code ?? 'unknown'})` }, 'connection refused');
    }
    if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
      // The answers Node itself gives when no clientError listener is set.
      const status = timedOut ? '408 Request Timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  });
  return { server, setReady: (value) => (ready = value) };
}

const BODY_FRAMING_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding']);

async function forwardToYoga(
  yoga: YogaServer,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  requestId: string,
  corsHeaders: Record<string, string> | undefined,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // The body is handed over as read: decompressed, whole.
    if (value === undefined || BODY_FRAMING_HEADERS.has(name)) continue;
    // yoga reads JSON bodies only under these two names; the body is JSON either way.
    if (name === 'content-type' && !isYogaJsonType(value as string)) {
      headers.set(name, 'application/json');
      continue;
    }
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const response = await yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/graphql'}`, { method: req.method, headers, body }, {});
  const payload = Buffer.from(await response.arrayBuffer());
  const outHeaders: Record<string, string> = { 'x-request-id': requestId };
  response.headers.forEach((value, name) => (outHeaders[name] = value));
  if (corsHeaders) Object.assign(outHeaders, corsHeaders);
  outHeaders['content-length'] = String(payload.length);
  res.writeHead(response.status, outHeaders);
  res.end(payload);
}

/**
 * A refusal before any execution (credential, mark, shedding, rate limit, deadline header, media
 * type): answered at once and named once, in the request's access line, by its code and, where
 * it has one, its reason (e.g. `UNAUTHENTICATED (expired)`).
 */
function refuseEarly(res: ServerResponse, context: RequestContext, status: number, body: unknown, headers?: Record<string, string>): void {
  const first = (body as { errors?: { extensions?: { code?: unknown; reason?: unknown } }[] } | undefined)?.errors?.[0]?.extensions;
  const code = typeof first?.code === 'string' ? first.code : `HTTP ${status}`;
  context.refusal = typeof first?.reason === 'string' ? `${code} (${first.reason})` : code;
  sendJson(res, context.requestId, status, body, headers);
}

/** A refusal: logged once (the access line carries its code), answered as GraphQL-over-HTTP says. */
function refuse(res: ServerResponse, context: RequestContext, status: number, error: GraphQLError): void {
  const code = error.extensions.code;
  context.refusal = typeof code === 'string' ? code : 'REFUSED';
  sendJson(res, context.requestId, status, { errors: [{ message: error.message, extensions: { code } }] });
}

function isYogaJsonType(contentType: string): boolean {
  return contentType.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}

function sendReadiness(res: ServerResponse, requestId: string, ready: boolean, readiness: Readiness | undefined): void {
  if (!readiness) return sendJson(res, requestId, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
  const report = readiness.report();
  if (!ready && report.status === 'ready') Object.assign(report, { status: 'not ready', reason: 'shutting down' });
  sendJson(res, requestId, report.status === 'ready' ? 200 : 503, report);
}

/** GraphiQL's page itself (dev mode): a browser cannot send a key with it; its queries are authenticated as any other. */
function isGraphiQLPage(req: IncomingMessage): boolean {
  return req.method === 'GET' && req.headers.accept !== undefined && req.headers.accept.includes('text/html') && (req.url ?? '').indexOf('query=') === -1;
}

/** application/json, or application/graphql-response+json (read as JSON; yoga is handed it as application/json). */
function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const type = value.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || type === 'application/graphql-response+json';
}

function sendEmpty(res: ServerResponse, requestId: string, status: number, headers: Record<string, string>): void {
  res.writeHead(status, { 'x-request-id': requestId, ...headers, 'content-length': 0 });
  res.end();
}

function sendJson(res: ServerResponse, requestId: string, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'x-request-id': requestId, ...headers, 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
