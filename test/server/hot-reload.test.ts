import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS, REPO_ROOT, startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { waitFor } from '../support/wait-for.ts';
import { parseMetrics, valueOf } from '../observability/metrics-text.ts';

const schema = (userFields: string) => `
type Query {
  users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}")
  rates: [Rate] @source(connector: "rates", operation: "allRates")
}
type User { id: ID! name: String ${userFields} }
type Rate { id: ID! }
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

const ratesYaml = (timeoutMs: number) => `
baseUrl: \${RATES_URL}
timeoutMs: ${timeoutMs}
operations:
  allRates:
    path: /rates
    cache: { ttlMs: 600000 }
    result: items
`;

let accounts: FakeUpstream;
let rates: FakeUpstream;
let release: () => void = () => {};
let held: Promise<void> = Promise.resolve();

beforeAll(async () => {
  accounts = await startFakeUpstream((call, res) => {
    const ids = call.url.searchParams.get('ids')!.split(',');
    const answer = () => json(res, 200, { items: ids.map((id) => ({ id, name: `user ${id}`, email: `${id}@example.com`, legacy: 'old' })) });
    if (ids.includes('hold')) void held.then(answer);
    else answer();
  });
  rates = await startFakeUpstream((_call, res) => json(res, 200, { items: [{ id: 'r1' }] }));
});

afterAll(async () => {
  release();
  await accounts.close();
  await rates.close();
});

async function configDir(gatewayYaml: string) {
  const config = await writeConfigDir({ schemas: { 's.graphql': schema('legacy: String') }, connectors: { 'accounts.yaml': ACCOUNTS_YAML, 'rates.yaml': ratesYaml(1000) } });
  await writeFile(path.join(config.dir, 'gateway.yaml'), gatewayYaml);
  return config;
}

const env = () => ({ ACCOUNTS_URL: accounts.url, RATES_URL: rates.url });

/** Polls (bounded) until a query answers without errors; the time it took is the save-to-serving time. */
async function until(gw: TestGateway, query: string, door: (typeof DOORS)[number] = 'fast'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const r = await gw.queryVia(door, query);
    if (r.status === 200 && !r.body.errors) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`"${query}" was not served within 5 s`);
}

describe('hot reload by watching the config folder', () => {
  let config: { dir: string; remove(): Promise<void> };
  let gw: TestGateway;

  beforeAll(async () => {
    config = await configDir('reload: { debounceMs: 30 }\nmetrics: { enabled: true }\n');
    gw = await startGateway({ configDir: config.dir, env: env(), watch: true });
  });
  afterAll(async () => {
    await gw.close();
    await config.remove();
  });

  test('20 edits while a bounded load loop runs: zero failed requests, each new field served through both doors', async () => {
    let stop = false;
    let sent = 0;
    const failures: unknown[] = [];
    // Four workers, each one request at a time, until the edits are done (bounded: at most 20 000 requests).
    const workers = [0, 1, 2, 3].map(async (w) => {
      while (!stop && sent < 20_000) {
        sent += 1;
        const r = await gw.queryVia(DOORS[w % 2]!, '{ users(ids: ["1", "2"]) { id name } rates { id } }');
        if (r.status !== 200 || r.body.errors || r.body.data?.users === undefined) failures.push(r.body);
      }
    });
    for (let i = 1; i <= 20; i++) {
      const before = gw.gateway.readiness.report().configVersion;
      await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema(`legacy: String f${i}: String @map(from: "email")`));
      await until(gw, `{ users(ids: ["1"]) { f${i} } }`, DOORS[i % 2]);
      expect(gw.gateway.readiness.report().configVersion).not.toBe(before);
    }
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(20);
    const served = await gw.query('{ users(ids: ["7"]) { f20 } }');
    expect(served.body).toEqual({ data: { users: [{ f20: '7@example.com' }] } });
    const samples = parseMetrics(await (await fetch(`${gw.url}/metrics`)).text());
    // Each save is one reload at least (an editor-like burst is one); none failed.
    expect(valueOf(samples, 'tessera_config_reloads_total', { result: 'ok' })).toBeGreaterThanOrEqual(20);
    expect(valueOf(samples, 'tessera_config_reloads_total', { result: 'failed' })).toBeUndefined();
  });

  test('a request in flight during a swap finishes on the config it started with', async () => {
    await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema('legacy: String'));
    await until(gw, '{ users(ids: ["1"]) { legacy } }');
    held = new Promise((resolve) => (release = resolve));
    const inFlight = gw.query('{ users(ids: ["hold"]) { id legacy } }');
    await waitFor(() => accounts.calls.some((c) => c.url.searchParams.get('ids') === 'hold'), 'the held call');
    await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema('email: String'));
    await until(gw, '{ users(ids: ["1"]) { email } }');
    const gone = await gw.query('{ users(ids: ["1"]) { legacy } }');
    expect(gone.body.errors?.[0]?.message).toBe('Cannot query field "legacy" on type "User".');
    release();
    expect((await inFlight).body).toEqual({ data: { users: [{ id: 'hold', legacy: 'old' }] } });
  });

  test('an unchanged connector keeps its response cache; a changed one gets a new one', async () => {
    rates.calls.length = 0;
    await gw.query('{ rates { id } }');
    const afterFirst = rates.calls.length; // 0 if an earlier test already filled the cache, else 1
    await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema('email: String nickname: String @map(from: "name")'));
    await until(gw, '{ users(ids: ["1"]) { nickname } }');
    await gw.query('{ rates { id } }');
    expect(rates.calls.length).toBe(afterFirst);
    await writeFile(path.join(config.dir, 'connectors', 'rates.yaml'), ratesYaml(2000));
    const version = gw.gateway.readiness.report().configVersion;
    await waitFor(() => gw.gateway.readiness.report().configVersion !== version, 'the rates reload');
    await gw.query('{ rates { id } }');
    expect(rates.calls.length).toBe(afterFirst + 1);
  });

  test('a broken edit never replaces the good config: logged with file:line:col, in /readyz and the metrics; fixing it recovers', async () => {
    const good = gw.gateway.readiness.report().configVersion;
    await writeFile(path.join(config.dir, 'connectors', 'accounts.yaml'), ACCOUNTS_YAML.replace('    result: items', '    result: items\n    retries: 3'));
    await waitFor(() => gw.gateway.readiness.report().lastReloadError !== null, 'the refused reload');
    const ready = (await (await fetch(`${gw.url}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'ready', configVersion: good });
    const errors = (ready.lastReloadError as { errors: string[] }).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/accounts\.yaml:9:5: CONFIG_UNKNOWN_KEY expected one of the keys .*; got "retries"/);
    expect(gw.logs.some((l) => l.msg === 'config reload refused (1 error); the old config keeps serving' && (l.errors as string[])[0] === errors[0])).toBe(true);
    expect((await gw.query('{ users(ids: ["1"]) { id nickname } }')).body).toEqual({ data: { users: [{ id: '1', nickname: 'user 1' }] } });
    const samples = parseMetrics(await (await fetch(`${gw.url}/metrics`)).text());
    expect(valueOf(samples, 'tessera_config_reloads_total', { result: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'tessera_config_last_reload_success')).toBe(0);
    expect(valueOf(samples, 'tessera_config_info', { version: good! })).toBe(1);

    await writeFile(path.join(config.dir, 'connectors', 'accounts.yaml'), ACCOUNTS_YAML);
    await waitFor(() => gw.gateway.readiness.report().lastReloadError === null, 'the recovering reload');
  });
});

describe('POST /admin/reload', () => {
  test('is absent without a token, refuses a wrong one, reloads with the right one and reports a refused config', async () => {
    const config = await configDir('reload: { watch: false, adminToken: "${RELOAD_TOKEN}" }\n');
    const gw = await startGateway({ configDir: config.dir, env: { ...env(), RELOAD_TOKEN: 's3cret' }, watch: true });
    const bare = await configDir('');
    const noToken = await startGateway({ configDir: bare.dir, env: env() });
    try {
      const post = (url: string, token?: string) => fetch(`${url}/admin/reload`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect((await post(noToken.url, 's3cret')).status).toBe(404);
      expect((await post(gw.url)).status).toBe(401);
      expect((await post(gw.url, 'wrong')).status).toBe(401);
      const unchanged = await post(gw.url, 's3cret');
      expect([unchanged.status, ((await unchanged.json()) as { result: string }).result]).toEqual([200, 'unchanged']);

      await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema('email: String'));
      // watch: false in gateway.yaml: nothing happens until the endpoint is called.
      expect((await gw.query('{ users(ids: ["1"]) { email } }')).body.errors).toBeDefined();
      const ok = await post(gw.url, 's3cret');
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ result: 'ok', configVersion: gw.gateway.readiness.report().configVersion });
      expect((await gw.query('{ users(ids: ["1"]) { email } }')).body).toEqual({ data: { users: [{ email: '1@example.com' }] } });

      await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema('email: Strin'));
      const refused = await post(gw.url, 's3cret');
      expect(refused.status).toBe(422);
      const body = (await refused.json()) as { result: string; errors: string[] };
      expect(body.result).toBe('failed');
      expect(body.errors[0]).toMatch(/s\.graphql:\d+:\d+: /);
      expect((await gw.query('{ users(ids: ["1"]) { email } }')).body).toEqual({ data: { users: [{ email: '1@example.com' }] } });
    } finally {
      await gw.close();
      await noToken.close();
      await config.remove();
      await bare.remove();
    }
  });
});

describe('tessera serve reloads on SIGHUP', () => {
  test('an edit is served after SIGHUP (watching off), and the process still stops on SIGTERM', async () => {
    const config = await configDir('reload: { watch: false }\n');
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--config-dir', config.dir], {
      env: { ...process.env, PORT: '0', ...env() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const logs: Record<string, unknown>[] = [];
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'tessera listening') resolve(String(entry.url).replace(/\/graphql$/, ''));
        });
        child.once('exit', () => reject(new Error('tessera serve exited before listening')));
      });
      const ask = async () => (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ users(ids: ["1"]) { email } }' }) })).json();
      expect(await ask()).toMatchObject({ errors: [{ message: 'Cannot query field "email" on type "User".' }] });
      await writeFile(path.join(config.dir, 'schemas', 's.graphql'), schema('email: String'));
      child.kill('SIGHUP');
      await waitFor(() => logs.some((l) => l.msg === 'config reloaded' && l.trigger === 'SIGHUP'), 'the SIGHUP reload');
      expect(await ask()).toEqual({ data: { users: [{ email: '1@example.com' }] } });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await config.remove();
    }
  });
});
