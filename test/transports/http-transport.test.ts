import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHttpTransport } from '../../src/transports/index.ts';
import type { UpstreamRequest } from '../../src/transports/transport.ts';
import { UpstreamError } from '../../src/errors/gateway-error.ts';

/** Each path is one way an upstream can answer; the transport's verdict on each is the table below. */
const ROUTES: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': (_req, res) => json(res, 200, '{"id":"1","name":"Ada"}'),
  '/unicode': (_req, res) => json(res, 200, '{"name":"Zoë 🚀"}'),
  '/chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"items":[');
    setTimeout(() => res.end('1,2,3]}'), 5);
  },
  '/no-content': (_req, res) => res.writeHead(204).end(),
  '/empty': (_req, res) => json(res, 200, ''),
  '/missing': (_req, res) => json(res, 404, '{"error":"no such row in table secret_customers"}'),
  '/broken': (_req, res) => json(res, 500, '{"stack":"at db (internal.js:1:1)"}'),
  '/broken-big': (_req, res) => json(res, 502, `"${'x'.repeat(200_000)}"`),
  '/big-declared': (_req, res) => json(res, 200, `"${'x'.repeat(2_000)}"`),
  '/big-chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`"${'x'.repeat(600)}`);
    setTimeout(() => res.end(`${'x'.repeat(600)}"`), 5);
  },
  '/malformed': (_req, res) => json(res, 200, '{"items": ['),
  '/truncated': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
    res.write('{"items": [{"id": "1"');
    setTimeout(() => res.socket?.destroy(), 10);
  },
  '/reset': (_req, res) => res.socket?.destroy(),
  '/hang': () => undefined,
  '/hang-mid-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
    res.write('{"items": [');
  },
  '/echo-headers': (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => json(res, 200, JSON.stringify({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })));
  },
};

function json(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let origin: string;
let connections = 0;
const sockets = new Set<Socket>();
const server = createServer((req, res) => ROUTES[new URL(req.url ?? '/', 'http://x').pathname]!(req, res));
server.on('connection', (socket: Socket) => {
  connections += 1;
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
const transport = createHttpTransport({ maxResponseBytes: 1_000 });

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await transport.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const policy = { connectTimeoutMs: 1_000, idempotent: true, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, cacheTtlMs: undefined, cacheKeyHeaders: [] };
const call = (path: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
  connector: 'crm',
  operation: 'getCustomer',
  method: 'GET',
  origin,
  path,
  headers: {},
  body: undefined,
  timeoutMs: 300,
  policy,
  ...extra,
});

/** The transport's verdict: its answer, or the code, message and details of its UpstreamError. */
async function verdict(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { answer: await promise };
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return { code: error.code, message: error.message, details: error.details, httpStatus: error.httpStatus };
  }
}

const ids = { connector: 'crm', operation: 'getCustomer' };

describe('HTTP transport: every answer becomes a parsed body or a stable code', () => {
  test.for([
    { path: '/ok', expected: { answer: { status: 200, body: { id: '1', name: 'Ada' }, bytes: 23 } } },
    // bytes counts bytes as received, not characters.
    { path: '/unicode', expected: { answer: { status: 200, body: { name: 'Zoë 🚀' }, bytes: 20 } } },
    { path: '/chunked', expected: { answer: { status: 200, body: { items: [1, 2, 3] }, bytes: 17 } } },
    { path: '/no-content', expected: { answer: { status: 204, body: null, bytes: 0 } } },
    { path: '/empty', expected: { answer: { status: 200, body: null, bytes: 0 } } },
    {
      path: '/missing',
      expected: { code: 'UPSTREAM_ENTITY_NOT_FOUND', message: 'Upstream crm.getCustomer has no such entity (HTTP 404)', details: { ...ids, status: 404 }, httpStatus: 404 },
    },
    { path: '/broken', expected: { code: 'UPSTREAM_HTTP_ERROR', message: 'Upstream crm.getCustomer answered HTTP 500', details: { ...ids, status: 500 }, httpStatus: 502 } },
    { path: '/broken-big', expected: { code: 'UPSTREAM_HTTP_ERROR', message: 'Upstream crm.getCustomer answered HTTP 502', details: { ...ids, status: 502 }, httpStatus: 502 } },
    { path: '/big-declared', expected: { code: 'UPSTREAM_BAD_RESPONSE', message: 'Upstream crm.getCustomer answered more than 1000 bytes', details: ids, httpStatus: 502 } },
    { path: '/big-chunked', expected: { code: 'UPSTREAM_BAD_RESPONSE', message: 'Upstream crm.getCustomer answered more than 1000 bytes', details: ids, httpStatus: 502 } },
    { path: '/malformed', expected: { code: 'UPSTREAM_BAD_RESPONSE', message: 'Upstream crm.getCustomer answered with invalid JSON', details: ids, httpStatus: 502 } },
    { path: '/truncated', expected: { code: 'UPSTREAM_BAD_RESPONSE', message: 'Upstream crm.getCustomer answer was cut short', details: ids, httpStatus: 502 } },
    { path: '/reset', expected: { code: 'UPSTREAM_UNAVAILABLE', message: 'Upstream crm.getCustomer is unavailable', details: ids, httpStatus: 503 } },
    { path: '/hang', expected: { code: 'UPSTREAM_TIMEOUT', message: 'Upstream crm.getCustomer timed out after 300 ms', details: ids, httpStatus: 504 } },
    { path: '/hang-mid-body', expected: { code: 'UPSTREAM_TIMEOUT', message: 'Upstream crm.getCustomer timed out after 300 ms', details: ids, httpStatus: 504 } },
  ])('$path', async ({ path, expected }) => {
    expect(await verdict(transport.send(call(path), {}))).toEqual(expected);
  });

  test('an upstream that refuses connections is unavailable', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await verdict(transport.send(call('/ok', { origin: `http://127.0.0.1:${port}` }), {}))).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'Upstream crm.getCustomer is unavailable',
      details: ids,
      httpStatus: 503,
    });
  });

  const aborted = { code: 'UPSTREAM_TIMEOUT', message: 'Upstream crm.getCustomer call was aborted', details: ids, httpStatus: 504 };

  test('a call whose signal is already aborted is not sent', async () => {
    const before = connections;
    expect(await verdict(transport.send(call('/ok'), { signal: AbortSignal.abort() }))).toEqual(aborted);
    expect(connections).toBe(before);
  });

  test('aborting the signal while the upstream thinks stops the call', async () => {
    const controller = new AbortController();
    // Aborted once the upstream has the request: the call is under way, not still being set up.
    const received = once(server, 'request');
    const pending = verdict(transport.send(call('/hang', { timeoutMs: 10_000 }), { signal: controller.signal }));
    await received;
    controller.abort();
    expect(await pending).toEqual(aborted);
  });

  test('a call still waiting for a connection times out on time, not when the connection frees', async () => {
    const single = createHttpTransport({ connections: 1 });
    const settled: string[] = [];
    try {
      const first = verdict(single.send(call('/hang', { timeoutMs: 1_000 }), {})).finally(() => settled.push('first'));
      // The only connection is held by `first`: this call is queued inside undici, never started.
      const queued = verdict(single.send(call('/ok', { timeoutMs: 50 }), {})).finally(() => settled.push('queued'));
      expect(await queued).toEqual({ ...aborted, message: 'Upstream crm.getCustomer timed out after 50 ms' });
      expect(await first).toEqual({ ...aborted, message: 'Upstream crm.getCustomer timed out after 1000 ms' });
      expect(settled).toEqual(['queued', 'first']);
    } finally {
      await single.close();
    }
  });

  test('error answers are read to their end so their connection is reused', async () => {
    // undici's pool may open a second connection right after its first; count from then on.
    for (const path of ['/ok', '/ok', '/ok']) await transport.send(call(path), {});
    const before = connections;
    for (const path of ['/missing', '/broken', '/ok', '/missing', '/broken', '/ok']) await verdict(transport.send(call(path), {}));
    expect(connections).toBe(before);
  });
});

describe('HTTP transport: the headers it sends', () => {
  const sent = async (extra: Partial<UpstreamRequest>) => {
    const response = await transport.send(call('/echo-headers', extra), {});
    const { headers, body } = response.body as { headers: Record<string, string>; body: string };
    return { accept: headers.accept, deadline: headers['x-tessera-deadline-ms'], contentType: headers['content-type'], requestId: headers['x-request-id'], body };
  };

  test.for<{ name: string; extra: Partial<UpstreamRequest>; expected: Record<string, string | undefined> }>([
    { name: 'a GET: JSON accepted, the deadline forwarded', extra: { headers: { 'x-request-id': 'r1' } }, expected: { accept: 'application/json', deadline: '300', contentType: undefined, requestId: 'r1', body: '' } },
    {
      name: 'a POST: its body is JSON, whatever the request said',
      extra: { method: 'POST', body: '{"ids":[1]}', headers: { 'content-type': 'text/plain' } },
      expected: { accept: 'application/json', deadline: '300', contentType: 'application/json', requestId: undefined, body: '{"ids":[1]}' },
    },
    {
      name: 'an operation that asks for its own accept; the deadline header cannot be overridden',
      extra: { headers: { accept: 'application/vnd.crm+json', 'x-tessera-deadline-ms': '99999' }, timeoutMs: 250 },
      expected: { accept: 'application/vnd.crm+json', deadline: '250', contentType: undefined, requestId: undefined, body: '' },
    },
  ])('$name', async ({ extra, expected }) => {
    expect(await sent(extra)).toEqual(expected);
  });
});
