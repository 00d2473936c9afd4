import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** The names of the four demo upstream services. */
export type DemoServiceName = 'crm' | 'orders' | 'tickets' | 'agents';

/** One request a demo upstream received, as it arrived. */
export interface RecordedRequest {
  method: string;
  service: DemoServiceName;
  /** The path exactly as received, percent-encoding kept (`/customers/..%2F..%2Fadmin`), without the query. */
  path: string;
  /** The query string parsed; a repeated parameter (`ids=1&ids=2`) is joined with commas (`"1,2"`). */
  query: Record<string, string>;
  /** Headers worth asserting on: every `x-*` header (x-request-id, x-caller-id, …) plus traceparent/tracestate. */
  headers: Record<string, string>;
  /** Arrival time, epoch milliseconds. */
  time: number;
}

/** What a route answers: a status and a JSON body. */
export interface JsonReply {
  status: number;
  body: unknown;
}

/** A GET route: `pattern` segments are literals or `:name` params (decoded with decodeURIComponent). */
export interface Route {
  pattern: string;
  handle(params: Record<string, string>, query: URLSearchParams): JsonReply;
}

export interface JsonServiceOptions {
  service: DemoServiceName;
  routes: readonly Route[];
  host: string;
  /** Added before every response, including 404s. */
  delayMs: number;
  /** Receives every request on arrival; when absent, requests are only counted (benchmarks). */
  record: ((request: RecordedRequest) => void) | undefined;
  /** Called once per request on arrival. */
  count(): void;
}

/** A running demo upstream. */
export interface JsonService {
  url: string;
  /** true: every request gets a 503 until set back to false (to see breakers open in the console). */
  setFailing(failing: boolean): void;
  close(): Promise<void>;
}

const NOT_FOUND: JsonReply = { status: 404, body: { error: 'not found' } };
const INJECTED_FAULT: JsonReply = { status: 503, body: { error: 'fault injected into the demo upstream' } };
const KEEP_ALIVE_TIMEOUT_MS = 30_000; // 30 s: longer than undici's idle timeout, so the client closes first

interface CompiledRoute {
  segments: string[];
  handle: Route['handle'];
}

/** Starts one plain node:http JSON service on `host`, port 0. */
export async function startJsonService(options: JsonServiceOptions): Promise<JsonService> {
  const routes: CompiledRoute[] = options.routes.map((r) => ({ segments: r.pattern.split('/').slice(1), handle: r.handle }));
  const timers = new Set<NodeJS.Timeout>();
  let failing = false;
  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    req.resume(); // GET only: any body is drained and ignored
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
    const method = req.method ?? 'GET';
    options.count();
    options.record?.({ method, service: options.service, path, query: flattenQuery(query), headers: pickHeaders(req), time: Date.now() });
    const reply = failing ? INJECTED_FAULT : method === 'GET' ? route(routes, path, query) : NOT_FOUND;
    if (options.delayMs <= 0) return sendJson(res, reply);
    const timer = setTimeout(() => {
      timers.delete(timer);
      sendJson(res, reply);
    }, options.delayMs);
    timers.add(timer);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.listen(0, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    setFailing: (value) => (failing = value),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        // Resolves even when already closed, so close() may be called twice.
        server.close(() => resolve());
      }),
  };
}

/** Finds the route for a raw path and runs it; 404 when nothing matches or a param is not valid percent-encoding. */
function route(routes: readonly CompiledRoute[], path: string, query: URLSearchParams): JsonReply {
  const segments = path.split('/').slice(1);
  for (const candidate of routes) {
    if (candidate.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    for (let i = 0; i < segments.length && matched; i++) {
      const expected = candidate.segments[i]!;
      const actual = segments[i]!;
      if (expected.startsWith(':')) {
        const decoded = safeDecode(actual);
        if (decoded === undefined) return NOT_FOUND;
        params[expected.slice(1)] = decoded;
      } else matched = expected === actual;
    }
    if (matched) return candidate.handle(params, query);
  }
  return NOT_FOUND;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function flattenQuery(query: URLSearchParams): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of new Set(query.keys())) flat[name] = query.getAll(name).join(',');
  return flat;
}

function pickHeaders(req: IncomingMessage): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name.startsWith('x-') || name === 'traceparent' || name === 'tracestate') picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return picked;
}

/** Writes a JSON reply with content-type and content-length (so keep-alive connections are reused). */
function sendJson(res: ServerResponse, reply: JsonReply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
