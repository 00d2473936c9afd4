import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  /** The raw path and query exactly as received (percent-encoding kept). */
  rawPath: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FakeHandler = (call: RecordedCall, res: ServerResponse) => void;

export interface FakeUpstream {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1:0 that records every call and answers through `handler`. */
export async function startFakeUpstream(handler: FakeHandler): Promise<FakeUpstream> {
  const calls: RecordedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call: RecordedCall = {
        method: req.method ?? 'GET',
        rawPath: req.url ?? '/',
        url: new URL(req.url ?? '/', 'http://upstream'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      calls.push(call);
      handler(call, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
