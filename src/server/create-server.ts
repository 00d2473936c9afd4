import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { GraphQLSchema } from 'graphql';
import type { Executor } from '../execute/index.ts';
import type { Logger } from '../observability/index.ts';
import { requestIdFrom, runWithRequestContext, type RequestContext } from '../observability/index.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { YogaServer } from './create-yoga.ts';
import { matchFastPath, serializeResult } from './fast-path.ts';
import { readBody } from './read-body.ts';
import { EXPLAIN_HEADER } from './explain-header.ts';
import { logAccess } from './log-access.ts';
import { requestDeadline, TIMEOUT_HEADER } from './request-deadline.ts';
import type { Admission } from './admission.ts';
import { SERVER_DEFAULTS } from './server-settings.ts';
import { refuseMediaType } from './media-type-rules.ts';
import { locateGraphiQLAssets, serveGraphiQLAsset } from './graphiql-assets.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { serveMetrics } from './metrics-endpoint.ts';
import type { Readiness } from './readiness.ts';
import { LiveConfig, type ServingConfig } from './live-config.ts';
import { isConsolePath, type OperatorConsole } from '../console/operator-console.ts';

export interface HttpServerOptions {
  schema: GraphQLSchema;
  executor: Executor;
  logger: Logger;
  /** Dev/demo mode: GraphiQL and the explain header are allowed. */
  dev: boolean;
  /** Largest request body accepted; larger ones get 413. */
  maxBodyBytes?: number;
  /** Each request's deadline; a caller may lower it with x-tessera-timeout-ms. */
  requestTimeoutMs?: number | undefined;
  /** Load shedding and per-caller rate limits, checked before a /graphql request is read. */
  admission?: Admission | undefined;
  /** Prometheus metrics: counted for every /graphql request when set. */
  metrics?: GatewayMetrics | undefined;
  /** Serve GET /metrics on this server (false when `metrics.port` gives it a port of its own). */
  serveMetrics?: boolean | undefined;
  /** What /readyz reports beyond "not shutting down": config loaded, connection checks, reload errors. */
  readiness?: Readiness | undefined;
  /** The config served now, swapped by hot reload; absent: `schema` and `executor` for good. */
  live?: LiveConfig | undefined;
  /** `POST /admin/reload` (when an admin token is configured). */
  adminReload?: ((req: IncomingMessage, res: ServerResponse, requestId: string) => void) | undefined;
  /** `/console` and `/admin/api/*` (when the console is enabled). */
  operatorConsole?: OperatorConsole | undefined;
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
      loading = import('./create-yoga.ts').then(({ createYogaServer }) => createYogaServer({ schema: serving.schema, executor: serving.executor, dev: options.dev, graphiqlAssets }));
      yogas.set(serving, loading);
    }
    return loading;
  };
  const live = options.live ?? new LiveConfig({ version: '', schema: options.schema, executor: options.executor });
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576; // 1 MiB
  const requestTimeoutMs = options.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs;
  const admission = options.admission;
  const metrics = options.metrics;
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
    if (metricsHere && pathname === '/metrics') return serveMetrics(metricsHere, res);
    if (graphiqlAssets && pathname.startsWith(graphiqlAssets.prefix)) return serveGraphiQLAsset(graphiqlAssets, pathname, req, res, requestId);
    if (pathname !== '/graphql') return sendJson(res, requestId, 404, { errors: [{ message: 'Not found. The GraphQL endpoint is /graphql.', extensions: { code: 'NOT_FOUND' } }] });
    if (metrics) context.metered = true;
    if (admission) {
      const refused = admission.admit(context.callerId);
      if (refused) {
        metrics?.shed(refused.status === 429 ? 'rate_limited' : 'overloaded');
        return sendJson(res, requestId, refused.status, refused.body, refused.headers);
      }
      res.once('close', () => admission.release());
    }

    const deadline = requestDeadline(req.headers[TIMEOUT_HEADER], context.startedAt, requestTimeoutMs);
    if (typeof deadline === 'string') return sendJson(res, requestId, 400, { errors: [{ message: deadline, extensions: { code: ErrorCodes.REQUEST_INVALID } }] });
    context.deadlineAt = deadline;
    const explain = req.headers[EXPLAIN_HEADER] === '1';
    if (explain && !options.dev) {
      return sendJson(res, requestId, 403, {
        errors: [{ message: `The ${EXPLAIN_HEADER} header is only honoured in dev/demo mode.`, extensions: { code: ErrorCodes.REQUEST_EXPLAIN_FORBIDDEN } }],
      });
    }
    const mediaRefusal = refuseMediaType(req.method, req.headers['content-type'], req.headers.accept, options.dev);
    if (mediaRefusal) return sendJson(res, requestId, mediaRefusal.status, mediaRefusal.body);
    if (req.method !== 'POST' || !isJsonContentType(req.headers['content-type'])) {
      res.setHeader('x-request-id', requestId); // yoga writes the head itself
      await (await yoga(serving)).requestListener(req, res);
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) {
      return sendJson(res, requestId, 413, { errors: [{ message: `Request body is larger than ${maxBodyBytes} bytes.`, extensions: { code: ErrorCodes.REQUEST_INVALID } }] });
    }
    const fast = matchFastPath(serving.executor, req.headers, body);
    if (!fast) return forwardToYoga(await yoga(serving), req, res, body, requestId);
    const result = await serving.executor.execute({
      prepared: fast.prepared,
      operationName: fast.params.operationName,
      variables: fast.params.variables,
      requestId: context.requestId,
      explain,
      deadlineAt: deadline,
      callerHeaders: context.callerHeaders,
    });
    context.operationName = result.operationName ?? fast.params.operationName ?? undefined;
    context.upstreamCalls = result.upstreamCalls;
    const text = serializeResult(result);
    // One writeHead with a flat header list and no setHeader before it: Node then builds the head
    // without merging header maps, and end() sends head and body in one write.
    res.writeHead(200, ['x-request-id', requestId, 'content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(text))]);
    res.end(text);
  };

  const server = createServer({ keepAliveTimeout: 65_000 /* 65 s: outlive typical LB idle timeouts */ }, (req, res) => {
    const callerHeader = req.headers['x-caller-id'];
    const context: RequestContext = {
      requestId: requestIdFrom(typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : undefined),
      callerId: typeof callerHeader === 'string' ? requestIdFrom(callerHeader) === callerHeader ? callerHeader : undefined : undefined,
      startedAt: performance.now(),
      callerHeaders: req.headers,
    };
    res.once('finish', () => {
      logAccess(options.logger, req, res, context);
      if (context.metered) metrics!.requestDone(context.operationName, context.callerId, res.statusCode, context.startedAt, context.upstreamCalls);
    });
    runWithRequestContext(context, () => {
      handle(req, res, context).catch((error: unknown) => {
        options.logger.error({ err: error }, 'request failed unexpectedly');
        if (!res.headersSent) sendJson(res, context.requestId, 500, { errors: [{ message: 'Unexpected error.', extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR } }] });
        else res.destroy();
      });
    });
  });
  return { server, setReady: (value) => (ready = value) };
}

async function forwardToYoga(
  yoga: YogaServer,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  requestId: string,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const response = await yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/graphql'}`, { method: req.method, headers, body }, {});
  const payload = Buffer.from(await response.arrayBuffer());
  const outHeaders: Record<string, string> = { 'x-request-id': requestId };
  response.headers.forEach((value, name) => (outHeaders[name] = value));
  outHeaders['content-length'] = String(payload.length);
  res.writeHead(response.status, outHeaders);
  res.end(payload);
}

function sendReadiness(res: ServerResponse, requestId: string, ready: boolean, readiness: Readiness | undefined): void {
  if (!readiness) return sendJson(res, requestId, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
  const report = readiness.report();
  if (!ready && report.status === 'ready') Object.assign(report, { status: 'not ready', reason: 'shutting down' });
  sendJson(res, requestId, report.status === 'ready' ? 200 : 503, report);
}

function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && value.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}

function sendJson(res: ServerResponse, requestId: string, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'x-request-id': requestId, ...headers, 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
