import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, writeConfigDir } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { parseMetrics, valueOf } from '../observability/metrics-text.ts';

// `tessera serve --workers N`: a node:cluster primary and N gateways on one port, started as a
// user starts them, in a child process, and watched through their log lines.

const MAIN = path.join(REPO_ROOT, 'src/cli/main.ts');

const schema = (userFields: string) => `
type Query { users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}") }
type User { id: ID! name: String ${userFields} }
`;
const ACCOUNTS_YAML = `
baseUrl: \${ACCOUNTS_URL}
operations:
  getUsers:
    path: /users
    query: { ids: "{keys}" }
    batch: { maxSize: 50, keyField: id }
    result: items
`;

interface Cluster {
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  logs: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<number | null>;
  /** Resolves once the log holds what `holds` looks for (checked at every new line): no time bound but the test's. */
  untilLogs(holds: (logs: readonly Record<string, unknown>[]) => boolean, what: string): Promise<void>;
}

let accounts: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let running: Cluster | undefined;

beforeAll(async () => {
  accounts = await startFakeUpstream((call, res) => {
    const ids = call.url.searchParams.get('ids')!.split(',');
    json(res, 200, { items: ids.map((id) => ({ id, name: `user ${id}`, email: `${id}@example.com` })) });
  });
});
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
  await config?.remove();
});
afterAll(async () => {
  await accounts.close();
});

async function writeConfig(): Promise<void> {
  config = await writeConfigDir({ schemas: { 's.graphql': schema('') }, connectors: { 'accounts.yaml': ACCOUNTS_YAML } });
  await writeFile(path.join(config.dir, 'gateway.yaml'), 'reload: { watch: false, adminToken: "${RELOAD_TOKEN}" }\nmetrics: { enabled: true, port: 0 }\n');
}

/** Starts the cluster and resolves once every worker listens. */
async function startCluster(workers: string, env: Record<string, string> = {}): Promise<Cluster> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--workers', workers, '--config-dir', config.dir], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ACCOUNTS_URL: accounts.url, RELOAD_TOKEN: 's3cret', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    logs.push(JSON.parse(line) as Record<string, unknown>);
    for (const check of [...waiters]) check();
  });
  const untilLogs = (holds: (logs: readonly Record<string, unknown>[]) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!holds(logs)) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
      void exited.then((code) => reject(new Error(`the cluster exited (${code}) before ${what}: ${stderr.join('\n')}`)));
    });
  running = { child, url: '', metricsUrl: '', logs, stderr, exited, untilLogs };
  await untilLogs((l) => l.some((e) => e.msg === 'tessera workers listening') && l.filter((e) => e.msg === 'tessera listening').length >= Number(workers), 'every worker listening');
  running.url = String(logs.find((l) => l.msg === 'tessera listening')!.url);
  running.metricsUrl = String(logs.find((l) => l.msg === 'cluster metrics listening')!.metricsUrl);
  return running;
}

/** One query on a connection of its own, so node:cluster may hand it to any worker. */
function queryOnNewConnection(url: string, query: string): Promise<{ status: number; body: { data?: unknown; errors?: unknown } }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) as { data?: unknown } }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const workerPids = (c: Cluster) => (c.logs.findLast((l) => l.msg === 'tessera workers listening')!.workers as number[]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Each test starts two or three Node processes: on a loaded 2-core machine that alone can take
// most of the suite's default 20 s.
describe('tessera serve --workers', { timeout: 60_000 }, () => {
  test('two workers share the port: both serve, the primary sums their metrics exactly, SIGTERM stops all of them with 0', async () => {
    await writeConfig();
    const c = await startCluster('2');
    const pids = workerPids(c);
    expect(pids).toHaveLength(2);
    for (let i = 0; i < 40; i++) {
      expect(await queryOnNewConnection(c.url, `{ users(ids: ["${i}"]) { id name } }`)).toEqual({ status: 200, body: { data: { users: [{ id: String(i), name: `user ${i}` }] } } });
    }
    await c.untilLogs((l) => l.filter((e) => e.msg === 'request completed').length === 40, 'the 40 access-log lines');
    const byWorker = new Map<unknown, number>();
    for (const line of c.logs.filter((l) => l.msg === 'request completed')) byWorker.set(line.worker, (byWorker.get(line.worker) ?? 0) + 1);
    // Round-robin hands new connections to each worker in turn.
    expect([...byWorker.keys()].sort()).toEqual([1, 2]);
    const metrics = parseMetrics(await (await fetch(c.metricsUrl)).text());
    expect(valueOf(metrics, 'tessera_requests_total', { caller: 'anonymous', operation: 'anonymous', status: '200', traffic: 'production' })).toBe(40);

    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  });

  test('SIGHUP to the primary and POST /admin/reload to one worker reload every worker', async () => {
    await writeConfig();
    const c = await startCluster('2');
    const askEmail = () => queryOnNewConnection(c.url, '{ users(ids: ["1"]) { email } }');
    expect((await askEmail()).body.errors).toBeDefined();

    await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema('email: String'));
    c.child.kill('SIGHUP');
    await c.untilLogs((l) => l.filter((e) => e.msg === 'config reloaded' && e.trigger === 'SIGHUP').length === 2, 'both workers reloaded on SIGHUP');
    for (let i = 0; i < 6; i++) expect((await askEmail()).body).toEqual({ data: { users: [{ email: '1@example.com' }] } });

    await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema('email: String, nick: String'));
    const answer = await fetch(`${c.url.replace(/\/graphql$/, '')}/admin/reload`, { method: 'POST', headers: { authorization: 'Bearer s3cret' } });
    expect(answer.status).toBe(200);
    await c.untilLogs((l) => l.filter((e) => e.msg === 'config reloaded' && e.trigger === 'admin').length === 2, 'both workers reloaded after one admin reload');
    const reloaders = c.logs.filter((l) => l.msg === 'config reloaded' && l.trigger === 'admin').map((l) => l.worker);
    expect(reloaders.sort()).toEqual([1, 2]);
    for (let i = 0; i < 6; i++) expect((await queryOnNewConnection(c.url, '{ users(ids: ["2"]) { nick } }')).body).toEqual({ data: { users: [{ nick: null }] } });
  });

  test('a worker that dies is replaced and the port keeps serving', async () => {
    await writeConfig();
    const c = await startCluster('2');
    const [victim, survivor] = workerPids(c);
    process.kill(victim!, 'SIGKILL');
    await c.untilLogs((l) => l.some((e) => e.msg === 'a worker died; starting another' && e.pid === victim), 'the death noticed');
    await c.untilLogs((l) => l.filter((e) => e.msg === 'tessera workers listening').length === 2, 'a replacement listening');
    const now = workerPids(c);
    expect(now).toContain(survivor);
    expect(now).not.toContain(victim);
    for (let i = 0; i < 6; i++) expect((await queryOnNewConnection(c.url, '{ users(ids: ["3"]) { id } }')).status).toBe(200);
  });

  test('a busy port stops the whole cluster with exit 1 and the one-line hint', async () => {
    await writeConfig();
    const squatter = createServer();
    squatter.listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const port = (squatter.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, [MAIN, 'serve', '--workers', '2', '--config-dir', config.dir], {
        env: { ...process.env, PORT: String(port), ACCOUNTS_URL: accounts.url, RELOAD_TOKEN: 'x' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stderr: string[] = [];
      createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(stderr.join('\n')).toContain(`port ${port} is in use`);
    } finally {
      squatter.close();
    }
  });

  test.each([['0'], ['two'], ['1000'], ['1.5']])('--workers %s is refused with what it takes', async (value) => {
    await writeConfig();
    const child = spawn(process.execPath, [MAIN, 'serve', '--workers', value, '--config-dir', config.dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr.join('\n')).toContain(`--workers takes a whole number from 1 to 999 or "auto", got "${value}"`);
  });
});
