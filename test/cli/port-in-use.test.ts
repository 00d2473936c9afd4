import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { explainListenError } from '../../src/cli/commands/listen-error.ts';
import { REPO_ROOT } from '../support/gateway.ts';

/**
 * `serve` and `demo` on a port something else holds: one line saying what to set, exit 1, and
 * nothing left running (the demo's four upstreams are closed too, or the process would not exit).
 */
const LAUNCHER = path.join(REPO_ROOT, 'src/cli/tessera.js');

let squatter: Server;
let port: number;
beforeAll(async () => {
  squatter = createHttpServer((_req, res) => res.end('someone else'));
  squatter.listen(0, '127.0.0.1');
  await once(squatter, 'listening');
  port = (squatter.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

/** Runs the CLI until it exits on its own; returns its exit code, stderr, and its JSON log lines. */
async function runUntilExit(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; logs: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, [LAUNCHER, ...args], { env: { ...process.env, LOG_LEVEL: 'debug', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const logs = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, stderr, logs };
}

/** Resolves the error code of a TCP connect to `url` (ECONNREFUSED once nothing listens there). */
function connectError(url: string): Promise<string | undefined> {
  const { hostname, port: p } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(p), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
  });
}

describe('a busy port', () => {
  test('tessera demo says which port and what to set, exits 1, and stops its four upstreams', async () => {
    const { code, stderr, logs } = await runUntilExit(['demo'], { PORT: String(port) });
    expect(code).toBe(1);
    expect(stderr).toBe(`tessera: port ${port} is in use (127.0.0.1:${port}); set PORT=... to another port, e.g. PORT=4001 npm start\n`);
    const started = logs.find((entry) => entry.msg === 'demo upstreams started');
    const urls = Object.values((started?.upstreams ?? {}) as Record<string, string>);
    expect(urls).toHaveLength(4);
    expect(await Promise.all(urls.map(connectError))).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
  });

  test('tessera serve says the same, with its own command, and exits 1', async () => {
    const { code, stderr } = await runUntilExit(['serve', '--config-dir', REPO_ROOT], { PORT: String(port) });
    expect(code).toBe(1);
    expect(stderr).toBe(`tessera: port ${port} is in use (127.0.0.1:${port}); set PORT=... to another port, e.g. PORT=4001 npx tessera serve\n`);
  });

  test('a HOST this machine does not have is named, exit 1', async () => {
    const { code, stderr } = await runUntilExit(['serve', '--config-dir', REPO_ROOT], { PORT: '0', HOST: '192.0.2.1' });
    expect(code).toBe(1);
    expect(stderr).toBe('tessera: cannot listen on 192.0.2.1:0: HOST 192.0.2.1 is not an address of this machine; set HOST=... to one that is, e.g. HOST=127.0.0.1 npx tessera serve\n');
  });
});

describe('explainListenError', () => {
  const target = { port: 4000, host: '127.0.0.1', rerun: 'npm start' };
  test.each([
    ['EADDRINUSE', target, 'tessera: port 4000 is in use (127.0.0.1:4000); set PORT=... to another port, e.g. PORT=4001 npm start'],
    ['EADDRINUSE', { ...target, port: 4001 }, 'tessera: port 4001 is in use (127.0.0.1:4001); set PORT=... to another port, e.g. PORT=4002 npm start'],
    ['EADDRINUSE', { ...target, host: '::1' }, 'tessera: port 4000 is in use ([::1]:4000); set PORT=... to another port, e.g. PORT=4001 npm start'],
    ['EACCES', { ...target, port: 80 }, 'tessera: not permitted to listen on port 80 (127.0.0.1:80; ports below 1024 need privileges); set PORT=... to another port, e.g. PORT=4001 npm start'],
    ['EADDRNOTAVAIL', { ...target, host: '10.1.2.3' }, 'tessera: cannot listen on 10.1.2.3:4000: HOST 10.1.2.3 is not an address of this machine; set HOST=... to one that is, e.g. HOST=127.0.0.1 npm start'],
  ])('%s on %j', (code, at, message) => {
    const explained = explainListenError(Object.assign(new Error(`listen ${code}`), { code }), at);
    expect((explained as Error).message).toBe(message);
  });

  test('any other error passes through unchanged', () => {
    const error = Object.assign(new Error('boom'), { code: 'EMFILE' });
    expect(explainListenError(error, target)).toBe(error);
  });
});
