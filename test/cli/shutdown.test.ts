import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, writeConfigDir } from '../support/gateway.ts';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.ts';
import { waitFor } from '../support/wait-for.ts';
import { ACCOUNTS_YAML, profilesBody, profilesYaml, RESILIENCE_SCHEMA, usersBody } from '../e2e/resilience-fixtures.ts';

const MAIN = path.join(REPO_ROOT, 'src/cli/main.ts');

interface Served {
  child: ChildProcess;
  url: string;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

let upstream: FaultUpstream;
let config: { dir: string; remove(): Promise<void> };
let served: Served | undefined;

beforeAll(async () => {
  upstream = await startFaultUpstream({ '/users': usersBody, '/profiles': profilesBody });
  config = await writeConfigDir({
    schemas: { 'app.graphql': RESILIENCE_SCHEMA },
    connectors: { 'accounts.yaml': ACCOUNTS_YAML, 'profiles.yaml': profilesYaml({ timeoutMs: 20_000, connector: 'retry: { maxRetries: 0 }' }) },
  });
  await writeFile(path.join(config.dir, 'gateway.yaml'), 'server: { requestTimeoutMs: 20000, shutdownGraceMs: 2000 }\n');
});
afterEach(() => {
  if (served && served.child.exitCode === null) served.child.kill('SIGKILL');
  served = undefined;
  upstream.reset();
});
afterAll(async () => {
  await upstream.close();
  await config.remove();
});

/** Starts `tessera serve` in a child process on a free port and waits until it listens. */
async function serve(): Promise<Served> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--config-dir', config.dir], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ACCOUNTS_URL: upstream.url, PROFILES_URL: upstream.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs: Record<string, unknown>[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'tessera listening') resolve(String(entry.url));
    });
    child.once('exit', () => reject(new Error('tessera serve exited before listening')));
  });
  served = { child, url, logs, exited };
  return served;
}

const query = (url: string, q: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) });

describe('graceful shutdown on SIGTERM', () => {
  test('stops accepting, finishes the request in flight, exits 0', async () => {
    const { child, url, logs, exited } = await serve();
    upstream.setFault('/profiles', { kind: 'hang' });
    const inFlight = query(url, '{ profile(id: "1") { id bio } }');
    await waitFor(() => upstream.callsTo('/profiles') === 1);
    child.kill('SIGTERM');
    await waitFor(() => logs.some((l) => l.msg === 'shutting down'));

    // New connections are refused at once…
    await expect(query(url, '{ users(ids: ["1"]) { id } }')).rejects.toThrow();
    expect(child.exitCode).toBe(null);
    // …while the request in flight, once its upstream answers, gets its complete answer.
    upstream.releaseHung();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { profile: { id: '1', bio: 'Bio of 1' } } });
    expect(await exited).toBe(0);
  });

  test('a request still running after the grace period is cut, and the process still exits 0', async () => {
    const { child, url, exited } = await serve();
    upstream.setFault('/profiles', { kind: 'hang' });
    const inFlight = query(url, '{ profile(id: "1") { id bio } }').then(
      () => 'answered',
      () => 'cut',
    );
    await waitFor(() => upstream.callsTo('/profiles') === 1);
    child.kill('SIGTERM');
    // Grace is 2 s; the request's own deadline (20 s) is not waited for: it would end in a 200 with
    // UPSTREAM_TIMEOUT, not a cut connection, and the upstream call would still be open.
    expect(await inFlight).toBe('cut');
    expect(await exited).toBe(0);
  });
});
