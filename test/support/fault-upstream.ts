import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';

/** What a route does instead of (or before) answering normally. */
export type Fault =
  | { kind: 'none' }
  /** Answer normally, after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Never answer, until the test calls `releaseHung()` (or closes the server). */
  | { kind: 'hang' }
  /** Answer with this status and a body full of internals that must never reach a caller. */
  | { kind: 'status'; status: number }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** 200 that promises more bytes than it sends, then closes. */
  | { kind: 'truncated' }
  /** 200 with this exact JSON body (e.g. a batch answer with keys missing or extra). */
  | { kind: 'body'; body: unknown };

export interface FaultCall {
  route: string;
  url: URL;
  headers: IncomingMessage['headers'];
}

/** A route answers a call with a JSON body when no fault is set. */
export type RouteHandler = (url: URL) => unknown;

export interface FaultUpstream {
  url: string;
  calls: FaultCall[];
  /** Sets the fault of one route (by its path prefix); `{ kind: 'none' }` recovers it. */
  setFault(route: string, fault: Fault): void;
  /** Calls to one route so far. */
  callsTo(route: string): number;
  /** Answers every call held by a `hang` fault, normally, and forgets them. */
  releaseHung(): void;
  /** Forgets every call and clears every fault. */
  reset(): void;
  close(): Promise<void>;
}

const INTERNALS = { error: 'database on fire', stack: 'at secret (internal.js:1:1)', host: 'db-7.internal' };

/**
 * A real HTTP server on 127.0.0.1:0 whose routes can be told, one by one, to be slow, hang,
 * fail, reset the connection, answer garbage or recover. Routes are matched by path prefix.
 */
export async function startFaultUpstream(routes: Record<string, RouteHandler>): Promise<FaultUpstream> {
  const faults = new Map<string, Fault>();
  const calls: FaultCall[] = [];
  const sockets = new Set<Socket>();
  /** Calls a `hang` fault holds, each with the answer it would have had. */
  const hung: { res: ServerResponse; body: () => unknown }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    const route = Object.keys(routes).find((prefix) => url.pathname.startsWith(prefix));
    req.resume();
    req.on('end', () => {
      if (!route) return send(res, 404, { error: 'no route' });
      calls.push({ route, url, headers: req.headers });
      const fault = faults.get(route) ?? { kind: 'none' };
      const body = () => routes[route]!(url);
      if (fault.kind === 'hang') hung.push({ res, body });
      else answer(fault, res, body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    setFault: (route, fault) => faults.set(route, fault),
    callsTo: (route) => calls.filter((c) => c.route === route).length,
    releaseHung() {
      for (const { res, body } of hung.splice(0)) if (!res.destroyed) send(res, 200, body());
    },
    reset() {
      calls.length = 0;
      faults.clear();
      hung.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(fault: Fault, res: ServerResponse, body: () => unknown): void {
  switch (fault.kind) {
    case 'none':
      return send(res, 200, body());
    case 'delay': {
      const timer = setTimeout(() => send(res, 200, body()), fault.ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'hang':
      return; // held by the server until releaseHung()
    case 'status':
      return send(res, fault.status, INTERNALS);
    case 'reset':
      res.socket?.destroy();
      return;
    case 'malformed':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      res.end('{"items": ['); // 11 bytes, complete as sent, but not JSON
      return;
    case 'truncated':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"items": [{"id": "1"');
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    case 'body':
      return send(res, 200, fault.body);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
