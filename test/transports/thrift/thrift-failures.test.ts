import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { Thrift } from 'thrift';
import { startGateway, writeConfigDir, REPO_ROOT, type TestGateway } from '../../support/gateway.ts';
import { applicationException, startThriftUpstream, thriftException, type ThriftUpstream } from '../../support/thrift-upstream.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/thrift');
const IDL = path.join(FIXTURES, 'types.thrift');
const ITEMS = (args: Record<string, unknown>) => (args.ids as string[]).map((id) => ({ id, name: `item ${id}` }));

const SCHEMA = `
type Query {
  good(id: ID!): Item @source(connector: "good", operation: "getItems", key: "{args.id}")
  bad(id: ID!): Item @source(connector: "bad", operation: "getItems", key: "{args.id}")
  retried(id: ID!): Item @source(connector: "bad", operation: "getItemsIdempotent", key: "{args.id}")
  guarded(id: ID!): Item @source(connector: "guarded", operation: "getItems", key: "{args.id}")
  reset(id: ID!): Item @source(connector: "reset", operation: "getItems", key: "{args.id}")
  garbled(id: ID!): Item @source(connector: "garbled", operation: "getItems", key: "{args.id}")
  huge(id: ID!): Item @source(connector: "huge", operation: "getItems", key: "{args.id}")
  unframed(id: ID!): Item @source(connector: "unframed", operation: "getItems", key: "{args.id}")
  down(id: ID!): Item @source(connector: "down", operation: "getItems", key: "{args.id}")
  flaky(id: ID!): Item @source(connector: "flaky", operation: "getItems", key: "{args.id}")
}
type Item { id: ID! name: String }
`;

const connector = (name: string, address: string, { breaker = '{ enabled: false }', framing = 'framed', timeoutMs = 300 } = {}) => `
name: ${name}
transport: thrift
address: ${address}
idl: types.thrift
service: TypesService
framing: ${framing}
timeoutMs: ${timeoutMs}
retry: { baseDelayMs: 1, maxDelayMs: 1 }
circuitBreaker: ${breaker}
operations:
  getItems:
    rpc: getItems
    request: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id }
  getItemsIdempotent:
    rpc: getItems
    request: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id }
    idempotent: true
`;

/** A raw TCP server that speaks just enough Thrift to misbehave in one way, counting connections. */
async function startRawTcp(onData: (socket: net.Socket, data: Buffer) => void): Promise<{ address: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (data) => onData(socket, data));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let good: ThriftUpstream;
let bad: ThriftUpstream;
let badPort: number;
let badMode: (args: Record<string, unknown>) => unknown;
let reset: Awaited<ReturnType<typeof startRawTcp>>;
let garbled: Awaited<ReturnType<typeof startRawTcp>>;
let huge: Awaited<ReturnType<typeof startRawTcp>>;
let unframed: Awaited<ReturnType<typeof startRawTcp>>;
let flaky: Awaited<ReturnType<typeof startRawTcp>>;
let flakyConnections = 0;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };
const hanging: (() => void)[] = [];
const badHandlers = { getItems: (args: Record<string, unknown>) => badMode(args) };

beforeAll(async () => {
  good = await startThriftUpstream({ idl: IDL, service: 'TypesService', handlers: { getItems: ITEMS } });
  bad = await startThriftUpstream({ idl: IDL, service: 'TypesService', handlers: badHandlers });
  badPort = bad.port;
  // Connection reset mid-call: the call arrived, then the socket is destroyed without an answer.
  reset = await startRawTcp((socket) => socket.destroy());
  // A well-formed frame whose bytes are not a Thrift reply.
  garbled = await startRawTcp((socket) => socket.write(Buffer.from([0, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef])));
  // A frame that announces 2 GB: never buffered, the connection is dropped.
  huge = await startRawTcp((socket) => socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])));
  // Unframed bytes that are no message at all (the first byte is not a protocol version).
  unframed = await startRawTcp((socket) => socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')));
  // Accepts and drops every connection: a failure the breaker must count.
  flaky = await startRawTcp((socket) => {
    flakyConnections += 1;
    socket.destroy();
  });
  const closed = await startRawTcp(() => {});
  await closed.close();
  config = await writeConfigDir({
    schemas: { 'types.graphql': SCHEMA },
    connectors: {
      // The control field: a generous budget, so a loaded machine cannot make it fail.
      'good.yaml': connector('good', good.address, { timeoutMs: 10_000 }),
      'bad.yaml': connector('bad', bad.address),
      'guarded.yaml': connector('guarded', bad.address, { breaker: '{ minRequests: 5, errorThresholdPercent: 50, resetTimeoutMs: 60000 }' }),
      'reset.yaml': connector('reset', reset.address),
      'garbled.yaml': connector('garbled', garbled.address),
      'huge.yaml': connector('huge', huge.address),
      'unframed.yaml': connector('unframed', unframed.address, { framing: 'buffered' }),
      'down.yaml': connector('down', closed.address),
      'flaky.yaml': connector('flaky', flaky.address, { breaker: '{ minRequests: 5, errorThresholdPercent: 50, resetTimeoutMs: 60000 }' }),
      'types.thrift': readFileSync(IDL, 'utf8'),
      'common.thrift': readFileSync(path.join(FIXTURES, 'common.thrift'), 'utf8'),
    },
  });
  gw = await startGateway({ configDir: config.dir });
});

afterAll(async () => {
  for (const release of hanging) release();
  await gw?.close();
  await Promise.all([good?.close(), bad?.close(), reset?.close(), garbled?.close(), huge?.close(), unframed?.close(), flaky?.close()]);
  await config?.remove();
});

beforeEach(() => {
  good.calls.length = 0;
  bad.calls.length = 0;
  badMode = ITEMS;
});

const FIELDS = '{ good(id: "1") { name } failing: FIELD(id: "2") { name } }';

describe('Thrift failures cost only their field, with a stable code and no internals', () => {
  test.for([
    {
      name: 'a declared exception (common.NotFound)',
      mode: () => Promise.reject(thriftException('NotFound', { message: 'no row in items_v2 on 10.1.2.3', key: '2' })),
      code: 'UPSTREAM_ERROR',
      extra: { exception: 'NotFound' },
      message: 'Upstream bad.getItems answered the declared exception NotFound',
    },
    {
      name: 'another declared exception (Rejected)',
      mode: () => Promise.reject(thriftException('Rejected', { reason: 'quota' })),
      code: 'UPSTREAM_ERROR',
      extra: { exception: 'Rejected' },
      message: 'Upstream bad.getItems answered the declared exception Rejected',
    },
    {
      name: 'an undeclared failure: TApplicationException INTERNAL_ERROR with a stack in its message',
      mode: () => Promise.reject(applicationException(Thrift.TApplicationExceptionType.INTERNAL_ERROR, 'Error: boom\n    at db.query (/srv/app/db.js:10:3)')),
      code: 'UPSTREAM_RPC_ERROR',
      extra: { thriftError: 'INTERNAL_ERROR' },
      message: 'Upstream bad.getItems answered a Thrift application exception INTERNAL_ERROR',
    },
    {
      name: 'deadline exceeded (the upstream never answers)',
      mode: () => new Promise((resolve) => hanging.push(() => resolve([]))),
      code: 'UPSTREAM_TIMEOUT',
      extra: {},
      message: 'Upstream bad.getItems timed out after 300 ms',
    },
  ])('$name → $code on the failing field; the other field completes', async ({ mode, code, extra, message }) => {
    badMode = mode;
    const { status, body } = await gw.query(FIELDS.replace('FIELD', 'bad'));
    expect(status).toBe(200);
    expect(body.data).toEqual({ good: { name: 'item 1' }, failing: null });
    expect(body.errors).toEqual([{ message, locations: [{ line: 1, column: 26 }], path: ['failing'], extensions: { code, connector: 'bad', operation: 'getItems', ...extra } }]);
    // Not idempotent: tried once.
    expect(bad.calls.length).toBe(1);
    expect(JSON.stringify(body)).not.toMatch(/10\.1\.2\.3|db\.js|127\.0\.0\.1/);
  });

  test('a call that outlives its budget closes its connection: the late reply never answers the next call', async () => {
    let release: (() => void) | undefined;
    badMode = (args) => (args.ids as string[])[0] === 'slow' ? new Promise((resolve) => (release = () => resolve([{ id: 'slow', name: 'late' }]))) : ITEMS(args);
    // One call first, so the pool holds one idle connection: the slow call takes it.
    expect((await gw.query('{ bad(id: "0") { name } }')).body.errors).toBeUndefined();
    const before = bad.connections();
    expect((await gw.query('{ bad(id: "slow") { name } }')).body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
    release!();
    expect((await gw.query('{ bad(id: "3") { name } }')).body).toEqual({ data: { bad: { name: 'item 3' } } });
    // The slow call's connection was closed; the next call opened a new one.
    expect(bad.connections() - before).toBe(1);
    expect(bad.calls.map((c) => c.args.ids)).toEqual([['0'], ['slow'], ['3']]);
  });

  test("the request's deadline lowers the call's budget (x-tessera-timeout-ms: 250, below the connector's 300 ms)", async () => {
    badMode = () => new Promise((resolve) => hanging.push(() => resolve([])));
    const { body } = await gw.query('{ bad(id: "5") { name } }', undefined, { 'x-tessera-timeout-ms': '250' });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
    // The call was sent with what the request had left, and abandoned when that ran out.
    const budget = Number(/^Upstream bad\.getItems timed out after (\d+) ms$/.exec(body.errors![0]!.message)?.[1]);
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThanOrEqual(250);
  });

  test('an idempotent function is retried after a timeout, on a fresh connection: two calls, one answer', async () => {
    let calls = 0;
    badMode = (args) => (++calls === 1 ? new Promise((resolve) => hanging.push(() => resolve([]))) : ITEMS(args));
    const { body } = await gw.query('{ retried(id: "4") { name } }');
    expect(body).toEqual({ data: { retried: { name: 'item 4' } } });
    expect(bad.calls.length).toBe(2);
  });

  test.for([
    { name: 'connection reset mid-call', field: 'reset', code: 'UPSTREAM_UNAVAILABLE' },
    { name: 'a frame whose bytes are no reply', field: 'garbled', code: 'UPSTREAM_BAD_RESPONSE' },
    { name: 'a frame that announces 2 GB', field: 'huge', code: 'UPSTREAM_BAD_RESPONSE' },
    { name: 'unframed bytes that are no message', field: 'unframed', code: 'UPSTREAM_BAD_RESPONSE' },
    { name: 'nothing listening', field: 'down', code: 'UPSTREAM_UNAVAILABLE' },
  ])('$name → $code; the gateway and the other field carry on', async ({ field, code }) => {
    const { body } = await gw.query(FIELDS.replace('FIELD', field));
    expect(body.data).toEqual({ good: { name: 'item 1' }, failing: null });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['failing'], code]]);
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  test('the exception is the diagnosis: in the log always, in the answer only from a dev gateway', async () => {
    badMode = () => Promise.reject(thriftException('NotFound', { message: 'no row in items_v2', key: '2' }));
    const where = `Thrift ${bad.address} TypesService.getItems: threw NotFound.`;
    const { body } = await gw.query(FIELDS.replace('FIELD', 'bad'));
    expect(JSON.stringify(body)).not.toContain('items_v2');
    expect(gw.logs.findLast((line) => line.msg === 'upstream call failed')).toMatchObject({
      connector: 'bad',
      code: 'UPSTREAM_ERROR',
      diagnosis: expect.stringContaining(where),
      upstream: { address: bad.address, method: 'TypesService.getItems', exception: 'NotFound', exceptionFields: { message: 'no row in items_v2', key: '2' } },
    });
    const dev = await startGateway({ configDir: config.dir, dev: true });
    try {
      const { body: devBody } = await dev.query(FIELDS.replace('FIELD', 'bad'));
      expect(devBody.errors?.[0]?.message).toContain(where);
      expect(devBody.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', exception: 'NotFound', diagnosis: { address: bad.address, exception: 'NotFound' } });
    } finally {
      await dev.close();
    }
  });

  test('declared exceptions are answers: five of them leave the breaker closed', async () => {
    badMode = () => Promise.reject(thriftException('Rejected', { reason: 'no' }));
    for (let i = 0; i < 6; i++) expect((await gw.query(`{ guarded(id: "${i}") { id } }`)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(bad.calls.length).toBe(6);
    expect(gw.gateway.connectorStates().guarded!.breaker).toBe('closed');
  });

  test('while an upstream is down, calls fail at once instead of queueing: 40 concurrent requests, 40 UNAVAILABLE, nothing left waiting', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => gw.query(`{ down(id: "${i}") { id } good(id: "${i}") { name } }`)));
    expect(answers.map((a) => a.body.errors?.map((e) => [e.path, e.extensions?.code]))).toEqual(Array.from({ length: 40 }, () => [[['down'], 'UPSTREAM_UNAVAILABLE']]));
    expect(answers.map((a) => (a.body.data?.good as { name: string }).name)).toEqual(Array.from({ length: 40 }, (_, i) => `item ${i}`));
    expect(gw.gateway.connectorStates().down).toEqual({ breaker: 'disabled', inFlight: 0, queued: 0 });
  });

  test('the circuit breaker counts dropped connections: after 5 it opens and the 6th request never reaches the upstream', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i++) codes.push((await gw.query(`{ flaky(id: "${i}") { id } }`)).body.errors?.[0]?.extensions?.code);
    expect(codes).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'CIRCUIT_OPEN']);
    expect(flakyConnections).toBe(5);
    expect(gw.gateway.connectorStates().flaky!.breaker).toBe('open');
  });

  test('upstream restart: UNAVAILABLE while it is down, answers again once it is back on the same port', async () => {
    expect((await gw.query('{ good(id: "1") { name } bad(id: "1") { name } }')).body).toEqual({ data: { good: { name: 'item 1' }, bad: { name: 'item 1' } } });
    await bad.close();
    const down = await gw.query('{ bad(id: "1") { name } }');
    expect(down.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    bad = await startThriftUpstream({ idl: IDL, service: 'TypesService', handlers: badHandlers, port: badPort });
    // The pool connects again after its backoff (200 ms first): poll until it has.
    await vi.waitFor(async () => expect((await gw.query('{ bad(id: "1") { name } }')).body).toEqual({ data: { bad: { name: 'item 1' } } }), { timeout: 5_000, interval: 50 });
  });
});
