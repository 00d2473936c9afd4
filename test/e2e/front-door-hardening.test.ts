import { connect, type Socket } from 'node:net';
import { request, type IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS, type Door } from '../support/gateway.ts';
import { waitFor } from '../support/wait-for.ts';
import { startFrontDoor, type FrontDoorRig } from './front-door-fixtures.ts';

const LIMIT = 4096;
const GATEWAY_YAML = `
server:
  maxBodyBytes: ${LIMIT}
  headersTimeoutMs: 1000
  bodyTimeoutMs: 3000
`;
const QUERY = '{ user(id: "1") { id name } }';

let rig: FrontDoorRig;
let host: string;
let port: number;
beforeAll(async () => {
  rig = await startFrontDoor(GATEWAY_YAML);
  const url = new URL(rig.gw.url);
  host = url.hostname;
  port = Number(url.port);
});
afterAll(async () => {
  await rig?.close();
});

/** Opens a raw socket to the gateway and resolves once it is connected. */
async function openSocket(): Promise<Socket> {
  const socket = connect(port, host);
  await once(socket, 'connect');
  return socket;
}

/** Collects what the server sends until it closes the socket. */
function untilClosed(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

/** A raw HTTP/1.1 POST over a real socket: the whole request, as bytes; resolves with the answer once the server closes. */
async function rawPost(headers: Record<string, string | undefined>, body: Buffer | string): Promise<string> {
  const socket = await openSocket();
  const closed = untilClosed(socket);
  const head = Object.entries({ host: `${host}:${port}`, 'content-type': 'application/json', connection: 'close', 'content-length': String(Buffer.byteLength(body)), ...headers })
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`POST /graphql HTTP/1.1\r\n${head}\r\n`);
  socket.write(body); // not end(): a client that half-closes its side is aborted by Node
  return closed;
}

const jsonBody = (door: Door, extra: Record<string, unknown> = {}) => JSON.stringify(door === 'yoga' ? { query: QUERY, extensions: {}, ...extra } : { query: QUERY, ...extra });
const statusOf = (answer: string) => Number(answer.slice(9, 12));
const refusalLines = () => rig.gw.logs.filter((l) => l.msg === 'request completed' && l.refusal !== undefined);

describe('slow clients', () => {
  test('a client sending its headers byte by byte (slowloris) is cut off by headersTimeoutMs, and logged once', async () => {
    rig.gw.logs.length = 0;
    const socket = await openSocket();
    const closed = untilClosed(socket);
    socket.write('POST /graphql HTTP/1.1\r\nhost: x\r\nx-padding: ');
    // One byte every 50 ms, for as long as the server keeps the socket open.
    const drip = setInterval(() => socket.writable && socket.write('a'), 50);
    const answer = await closed;
    clearInterval(drip);
    expect(answer.startsWith('HTTP/1.1 408')).toBe(true);
    const lines = rig.gw.logs.filter((l) => l.msg === 'connection refused');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reason: 'request headers or body too slow (ERR_HTTP_REQUEST_TIMEOUT)' });
    expect(rig.upstream.calls.filter((c) => c.method === 'GET')).toHaveLength(0);
  });

  test('an honest slow caller (headers in two parts, then the body) is served', async () => {
    const socket = await openSocket();
    const closed = untilClosed(socket);
    const body = JSON.stringify({ query: QUERY });
    socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a pause well within headersTimeoutMs (1 s)
    socket.write(`content-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`);
    socket.write(body.slice(0, 10));
    socket.write(body.slice(10));
    const answer = await closed;
    expect(statusOf(answer)).toBe(200);
    expect(answer).toContain('"name":"User 1"');
  });
});

describe('malformed requests', () => {
  test.for([
    { name: 'a request line that is not HTTP', bytes: 'HELLO WORLD\r\n\r\n', status: '400', code: 'HPE_INVALID_METHOD' },
    { name: 'headers over 16 KiB', bytes: `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`, status: '431', code: 'HPE_HEADER_OVERFLOW' },
  ])('$name: $status, logged once', async ({ bytes, status, code }) => {
    rig.gw.logs.length = 0;
    const socket = await openSocket();
    const closed = untilClosed(socket);
    socket.write(bytes);
    expect((await closed).slice(9, 12)).toBe(status);
    expect(rig.gw.logs.filter((l) => l.msg === 'connection refused').map((l) => l.reason)).toEqual([`malformed request (${code})`]);
  });
});

describe('request bodies are held to server.maxBodyBytes while they stream, on both doors', () => {
  const bomb = gzipSync(Buffer.alloc(1_000_000, ' ')); // 1 MB of spaces in about 1 KB
  test.for(
    DOORS.flatMap((door) => [
      { door, name: 'declared content-length over the limit', headers: {}, body: jsonBody(door, { pad: 'x'.repeat(LIMIT) }), status: 413, code: 'REQUEST_INVALID', reason: `body over ${LIMIT} bytes (declared)` },
      { door, name: 'gzip bomb: small on the wire, over the limit decompressed', headers: { 'content-encoding': 'gzip' }, body: bomb, status: 413, code: 'REQUEST_INVALID', reason: `body over ${LIMIT} bytes (decompressed)` },
      { door, name: 'a gzip body within the limit', headers: { 'content-encoding': 'gzip' }, body: gzipSync(jsonBody(door)), status: 200 },
      { door, name: 'a body that is not gzip', headers: { 'content-encoding': 'gzip' }, body: jsonBody(door), status: 400, code: 'REQUEST_INVALID', reason: 'bad gzip body' },
      { door, name: 'an encoding the gateway does not read', headers: { 'content-encoding': 'zstd' }, body: jsonBody(door), status: 415, code: 'REQUEST_UNSUPPORTED_MEDIA_TYPE', reason: 'unsupported content-encoding' },
    ]),
  )('$door: $name', async ({ headers, body, status, code, reason }) => {
    rig.gw.logs.length = 0;
    const before = rig.upstream.calls.length;
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const answer = await rawPost({ ...headers, 'content-length': String(payload.length) }, payload);
    expect(statusOf(answer)).toBe(status);
    if (code === undefined) {
      expect(rig.upstream.calls.length).toBe(before + 1);
      return;
    }
    expect(answer).toContain(`"code":"${code}"`);
    expect(rig.upstream.calls.length).toBe(before);
    expect(refusalLines().map((l) => [l.status, l.refusal])).toEqual([[status, reason]]);
  });

  test.for(DOORS)('%s: a chunked body is refused once it passes the limit, without reading the rest', async (door) => {
    rig.gw.logs.length = 0;
    const req = request({ host, port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    const answered = once(req, 'response');
    req.write(jsonBody(door, { pad: '' }).slice(0, -1)); // an open JSON object…
    const chunk = `,"p${'x'.repeat(1000)}":1`;
    // …then chunks for as long as the server reads: it answers once the limit is passed.
    let sent = 0;
    const pump = setInterval(() => {
      if (req.writable && sent < 1000) {
        req.write(chunk);
        sent += 1;
      }
    }, 1);
    const [response] = (await answered) as [IncomingMessage];
    clearInterval(pump);
    req.destroy();
    expect(response.statusCode).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(sent).toBeLessThan(1000); // refused mid-stream, not after the whole body
    expect(refusalLines().map((l) => l.refusal)).toEqual([`body over ${LIMIT} bytes (streamed)`]);
  });

  test('a body bound for yoga (accept: application/graphql-response+json) has the same limit', async () => {
    const accept = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
    const answer = await rawPost(accept, JSON.stringify({ query: `${QUERY} #${'x'.repeat(LIMIT)}` }));
    expect(statusOf(answer)).toBe(413);
    const ok = await rawPost(accept, JSON.stringify({ query: QUERY }));
    expect(statusOf(ok)).toBe(200);
  });
});

describe('server.maxConnections', () => {
  let capped: FrontDoorRig;
  beforeAll(async () => {
    capped = await startFrontDoor('server:\n  maxConnections: 2\n');
  });
  afterAll(async () => {
    await capped?.close();
  });

  test('connections past the cap are closed at once and logged; a freed slot serves again', async () => {
    const url = new URL(capped.gw.url);
    /** A keep-alive connection the server has surely counted: it answered a request on it. */
    const held = async (): Promise<Socket> => {
      const socket = connect(Number(url.port), url.hostname);
      await once(socket, 'connect');
      socket.write(`GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n`);
      await once(socket, 'data');
      return socket;
    };
    /** What one fresh connection gets for GET /healthz: '' when the server dropped it. */
    const probe = async (): Promise<string> => {
      const socket = connect(Number(url.port), url.hostname);
      const closed = untilClosed(socket);
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.end(`GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      return closed;
    };
    const first = await held();
    const second = await held();
    expect(await probe()).toBe('');
    await waitFor(() => capped.gw.logs.some((l) => l.msg === 'connection refused'), 'the drop logged');
    expect(capped.gw.logs.filter((l) => l.msg === 'connection refused')).toEqual([expect.objectContaining({ reason: 'too many connections (server.maxConnections: 2)' })]);
    first.destroy();
    // The server learns of the close asynchronously: probe until a connection is served.
    let answer = '';
    for (let attempt = 0; attempt < 100 && answer === ''; attempt++) answer = await probe();
    expect(statusOf(answer)).toBe(200);
    second.destroy();
  });
});
