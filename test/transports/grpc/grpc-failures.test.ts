import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { status } from '@grpc/grpc-js';
import { startGateway, writeConfigDir, REPO_ROOT, type TestGateway } from '../../support/gateway.ts';
import { grpcError, startGrpcUpstream, type GrpcUpstream } from '../../support/grpc-upstream.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/grpc');
const PROTO = path.join(FIXTURES, 'types.proto');
const SERVICE = 'test.types.v1.TypesService';
const ITEMS = (request: Record<string, unknown>) => ({ items: (request.ids as string[]).map((id) => ({ id, name: `item ${id}` })) });

const SCHEMA = `
type Query {
  good(id: ID!): Item @source(connector: "good", operation: "getItems", key: "{args.id}")
  bad(id: ID!): Item @source(connector: "bad", operation: "getItems", key: "{args.id}")
  reset(id: ID!): Item @source(connector: "reset", operation: "getItems", key: "{args.id}")
  garbled(id: ID!): Item @source(connector: "garbled", operation: "getItems", key: "{args.id}")
  cut(id: ID!): Item @source(connector: "cut", operation: "getItems", key: "{args.id}")
  down(id: ID!): Item @source(connector: "down", operation: "getItems", key: "{args.id}")
  flaky(id: ID!): Item @source(connector: "flaky", operation: "getItems", key: "{args.id}")
  echo(i32: Int): Echo @source(connector: "bad", operation: "echo", params: { i32: "{args.i32}" })
}
type Item { id: ID! name: String }
type Echo { i32: Int }
`;

const connector = (name: string, address: string, breaker = '{ enabled: false }') => `
name: ${name}
transport: grpc
address: ${address}
protos: types.proto
service: ${SERVICE}
timeoutMs: 300
retry: { baseDelayMs: 1, maxDelayMs: 1 }
circuitBreaker: ${breaker}
operations:
  getItems:
    rpc: GetItems
    request: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id }
    result: items
  echo:
    rpc: Echo
    request: { i32: "{i32}" }
    params: { i32: Int }
`;

/** A raw HTTP/2 server that speaks just enough gRPC to misbehave in one way. */
async function startRawHttp2(onStream: (stream: http2.ServerHttp2Stream) => void): Promise<{ address: string; close(): Promise<void> }> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => sessions.add(s));
  server.on('stream', onStream);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One length-prefixed gRPC message frame (uncompressed). */
const frame = (payload: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0, payload.length]), payload]);

let good: GrpcUpstream;
let bad: GrpcUpstream;
let badPort: number;
let badMode: (request: Record<string, unknown>) => unknown;
let reset: Awaited<ReturnType<typeof startRawHttp2>>;
let garbled: Awaited<ReturnType<typeof startRawHttp2>>;
let cut: Awaited<ReturnType<typeof startRawHttp2>>;
let flaky: GrpcUpstream;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };
const hanging: (() => void)[] = [];

const badHandlers = {
  GetItems: (request: Record<string, unknown>) => badMode(request),
  Echo: (request: Record<string, unknown>) => badMode(request),
};

beforeAll(async () => {
  good = await startGrpcUpstream({ proto: PROTO, service: SERVICE, handlers: { GetItems: ITEMS } });
  bad = await startGrpcUpstream({ proto: PROTO, service: SERVICE, handlers: badHandlers });
  badPort = bad.port;
  // Connection reset mid-call: the request arrived, then the socket is destroyed without an answer.
  reset = await startRawHttp2((stream) => stream.session?.socket.destroy());
  // A well-formed gRPC answer whose message bytes are not an ItemsResponse.
  garbled = await startRawHttp2((stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff])));
  });
  // A frame that announces 1000 bytes and then ends after 3: a malformed HTTP/2 body.
  cut = await startRawHttp2((stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
    stream.end(Buffer.from([0, 0, 0, 0x03, 0xe8, 1, 2, 3]));
  });
  flaky = await startGrpcUpstream({ proto: PROTO, service: SERVICE, handlers: { GetItems: () => Promise.reject(grpcError(status.UNAVAILABLE)) } });
  const closedPort = await startGrpcUpstream({ proto: PROTO, service: SERVICE, handlers: {} });
  await closedPort.close();
  config = await writeConfigDir({
    schemas: { 'types.graphql': SCHEMA },
    connectors: {
      'good.yaml': connector('good', good.address),
      'bad.yaml': connector('bad', bad.address),
      'reset.yaml': connector('reset', reset.address),
      'garbled.yaml': connector('garbled', garbled.address),
      'cut.yaml': connector('cut', cut.address),
      'down.yaml': connector('down', closedPort.address),
      'flaky.yaml': connector('flaky', flaky.address, '{ minRequests: 5, errorThresholdPercent: 50, resetTimeoutMs: 60000 }'),
      'types.proto': readFileSync(PROTO, 'utf8'),
      'common.proto': readFileSync(path.join(FIXTURES, 'common.proto'), 'utf8'),
    },
  });
  gw = await startGateway({ configDir: config.dir });
});

afterAll(async () => {
  for (const release of hanging) release();
  await gw?.close();
  await Promise.all([good?.close(), bad?.close(), flaky?.close(), reset?.close(), garbled?.close(), cut?.close()]);
  await config?.remove();
});

beforeEach(() => {
  good.calls.length = 0;
  bad.calls.length = 0;
  badMode = ITEMS;
});

const FIELDS = '{ good(id: "1") { name } failing: FIELD(id: "2") { name } }';

describe('gRPC failures cost only their field, with a stable code and no internals', () => {
  test.for([
    { name: 'UNAVAILABLE status', mode: () => Promise.reject(grpcError(status.UNAVAILABLE, 'backend 10.1.2.3:9000 draining')), code: 'UPSTREAM_UNAVAILABLE', grpcStatus: 'UNAVAILABLE', message: 'Upstream bad.getItems is unavailable' },
    { name: 'NOT_FOUND status', mode: () => Promise.reject(grpcError(status.NOT_FOUND, 'no row in customers_v2')), code: 'UPSTREAM_ENTITY_NOT_FOUND', grpcStatus: 'NOT_FOUND', message: 'Upstream bad.getItems has no such entity (gRPC NOT_FOUND)' },
    { name: 'RESOURCE_EXHAUSTED status', mode: () => Promise.reject(grpcError(status.RESOURCE_EXHAUSTED, 'quota')), code: 'UPSTREAM_RPC_ERROR', grpcStatus: 'RESOURCE_EXHAUSTED', message: 'Upstream bad.getItems answered gRPC status RESOURCE_EXHAUSTED' },
    { name: 'INTERNAL status with a stack in its details', mode: () => Promise.reject(grpcError(status.INTERNAL, 'Error: boom\n    at db.query (/srv/app/db.js:10:3)')), code: 'UPSTREAM_RPC_ERROR', grpcStatus: 'INTERNAL', message: 'Upstream bad.getItems answered gRPC status INTERNAL' },
    {
      name: 'deadline exceeded (the upstream never answers)',
      mode: () => new Promise((resolve) => hanging.push(() => resolve({ items: [] }))),
      code: 'UPSTREAM_TIMEOUT',
      grpcStatus: 'DEADLINE_EXCEEDED',
      message: 'Upstream bad.getItems timed out after 300 ms',
    },
  ])('$name → $code on the failing field; the other field completes', async ({ mode, code, grpcStatus, message }) => {
    badMode = mode;
    const { status: httpStatus, body } = await gw.query(FIELDS.replace('FIELD', 'bad'));
    expect(httpStatus).toBe(200);
    expect(body.data).toEqual({ good: { name: 'item 1' }, failing: null });
    expect(body.errors).toEqual([{ message, locations: [{ line: 1, column: 26 }], path: ['failing'], extensions: { code, connector: 'bad', operation: 'getItems', grpcStatus } }]);
    // Not idempotent (no idempotency_level in the proto): tried once.
    expect(bad.calls.length).toBe(1);
  });

  test.for([
    { name: 'connection reset mid-call', field: 'reset', code: 'UPSTREAM_UNAVAILABLE' },
    { name: 'a message that does not decode', field: 'garbled', code: 'UPSTREAM_BAD_RESPONSE' },
    { name: 'a frame cut short (malformed)', field: 'cut', code: 'UPSTREAM_RPC_ERROR' },
  ])('$name → $code; the gateway and the other field carry on', async ({ field, code }) => {
    const { body } = await gw.query(FIELDS.replace('FIELD', field));
    expect(body.data).toEqual({ good: { name: 'item 1' }, failing: null });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['failing'], code]]);
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  test('the status message is the diagnosis: in the log always, in the answer only from a dev gateway', async () => {
    badMode = () => Promise.reject(grpcError(status.UNAVAILABLE, 'backend 10.1.2.3:9000 draining'));
    const where = `gRPC ${bad.address} /test.types.v1.TypesService/GetItems: UNAVAILABLE: backend 10.1.2.3:9000 draining.`;
    const { body } = await gw.query(FIELDS.replace('FIELD', 'bad'));
    expect(JSON.stringify(body)).not.toContain('draining');
    expect(gw.logs.findLast((line) => line.msg === 'upstream call failed')).toMatchObject({
      connector: 'bad',
      code: 'UPSTREAM_UNAVAILABLE',
      diagnosis: expect.stringContaining(where),
      upstream: { address: bad.address, method: '/test.types.v1.TypesService/GetItems', grpcStatus: 'UNAVAILABLE', statusMessage: 'backend 10.1.2.3:9000 draining', attempts: 1 },
    });
    const dev = await startGateway({ configDir: config.dir, dev: true });
    try {
      const { body: devBody } = await dev.query(FIELDS.replace('FIELD', 'bad'));
      expect(devBody.errors?.[0]?.message).toMatch(new RegExp(`^Upstream bad\\.getItems is unavailable\\. ${where.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} 1 attempt, \\d+ ms`));
      expect(devBody.errors?.[0]?.extensions?.diagnosis).toMatchObject({ address: bad.address, grpcStatus: 'UNAVAILABLE', statusMessage: 'backend 10.1.2.3:9000 draining' });
    } finally {
      await dev.close();
    }
  });

  test('an idempotent method (idempotency_level in the proto) is retried after UNAVAILABLE: two calls, one answer', async () => {
    let calls = 0;
    badMode = (request) => (++calls === 1 ? Promise.reject(grpcError(status.UNAVAILABLE)) : request);
    const { body } = await gw.query('{ echo(i32: 5) { i32 } }');
    expect(body).toEqual({ data: { echo: { i32: 5 } } });
    expect(bad.calls.map((c) => c.method)).toEqual(['Echo', 'Echo']);
  });

  test('while an upstream is down, calls fail at once instead of queueing: 40 concurrent requests, 40 UNAVAILABLE, nothing left waiting', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => gw.query(`{ down(id: "${i}") { id } good(id: "${i}") { name } }`)));
    expect(answers.map((a) => a.body.errors?.map((e) => [e.path, e.extensions?.code]))).toEqual(Array.from({ length: 40 }, () => [[['down'], 'UPSTREAM_UNAVAILABLE']]));
    expect(answers.map((a) => (a.body.data?.good as { name: string }).name)).toEqual(Array.from({ length: 40 }, (_, i) => `item ${i}`));
    expect(gw.gateway.connectorStates().down).toEqual({ breaker: 'disabled', inFlight: 0, queued: 0 });
  });

  test('the circuit breaker counts gRPC failures: after 5 UNAVAILABLE it opens and the 6th request never reaches the upstream', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i++) codes.push((await gw.query(`{ flaky(id: "${i}") { id } }`)).body.errors?.[0]?.extensions?.code);
    expect(codes).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'CIRCUIT_OPEN']);
    expect(flaky.calls.length).toBe(5);
    expect(gw.gateway.connectorStates().flaky!.breaker).toBe('open');
  });

  test('upstream restart: UNAVAILABLE while it is down, answers again once it is back on the same port', async () => {
    expect((await gw.query('{ bad(id: "1") { name } }')).body).toEqual({ data: { bad: { name: 'item 1' } } });
    await bad.close();
    const down = await gw.query('{ bad(id: "1") { name } }');
    expect(down.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    bad = await startGrpcUpstream({ proto: PROTO, service: SERVICE, handlers: badHandlers, port: badPort });
    // The channel reconnects with backoff (200 ms first): poll until it has.
    await vi.waitFor(async () => expect((await gw.query('{ bad(id: "1") { name } }')).body).toEqual({ data: { bad: { name: 'item 1' } } }), { timeout: 5_000, interval: 50 });
  });
});
