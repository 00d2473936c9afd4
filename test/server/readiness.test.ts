import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { waitFor } from '../support/wait-for.ts';

const SCHEMA = `
type Query {
  users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}")
  rates: [Rate] @source(connector: "rates", operation: "allRates")
}
type User { id: ID! }
type Rate { id: ID! }
`;

const connector = (env: string, op: string, path: string, extra = '') => `
baseUrl: \${${env}}
${extra}
operations:
  ${op}:
    path: ${path}
    result: items
${op === 'getUsers' ? '    query: { ids: "{keys}" }\n    batch: { maxSize: 10, keyField: id }' : ''}
`;

/** A port nothing listens on yet: taken from the OS, then released. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function readyz(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('/readyz', () => {
  let rates: FakeUpstream;
  let config: { dir: string; remove(): Promise<void> };
  let late: Server | undefined;
  let port: number;
  let gw: TestGateway;

  beforeAll(async () => {
    rates = await startFakeUpstream((_call, res) => json(res, 200, { items: [] }));
    port = await freePort();
    config = await writeConfigDir({
      schemas: { 's.graphql': SCHEMA },
      connectors: { 'accounts.yaml': connector('ACCOUNTS_URL', 'getUsers', '/users', 'readinessCheck: true'), 'rates.yaml': connector('RATES_URL', 'allRates', '/rates') },
    });
    gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: `http://127.0.0.1:${port}`, RATES_URL: rates.url } });
  });

  afterAll(async () => {
    await gw.close();
    await rates.close();
    if (late) await new Promise<void>((resolve) => late!.close(() => resolve()));
    await config.remove();
  });

  test('is false while a connector that asks for a connection check cannot be reached, then true; reports the config version', async () => {
    const before = await readyz(gw.url);
    expect(before.status).toBe(503);
    expect(before.body).toEqual({
      status: 'not ready',
      reason: 'checking connections',
      configVersion: expect.stringMatching(/^[0-9a-f]{12}$/),
      connectors: { accounts: 'pending', rates: 'skipped' },
      lastReloadError: null,
    });
    // /graphql serves meanwhile: readiness only tells the load balancer whether to send.
    expect((await gw.query('{ rates { id } }')).body).toEqual({ data: { rates: [] } });

    late = createServer((_req, res) => json(res, 200, { items: [] }));
    late.listen(port, '127.0.0.1');
    await once(late, 'listening');
    await waitFor(() => gw.gateway.readiness.ready, 'the accounts connection check');
    const after = await readyz(gw.url);
    expect(after).toEqual({ status: 200, body: { status: 'ready', configVersion: before.body.configVersion, connectors: { accounts: 'passed', rates: 'skipped' }, lastReloadError: null } });
  });
});

describe('/readyz during shutdown', () => {
  test('is false from the moment close() starts, while in-flight requests finish', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = await startFakeUpstream((_call, res) => void held.then(() => json(res, 200, { items: [{ id: 'r' }] })));
    const config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'accounts.yaml': connector('ACCOUNTS_URL', 'getUsers', '/users'), 'rates.yaml': connector('RATES_URL', 'allRates', '/rates') } });
    const gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: slow.url, RATES_URL: slow.url } });
    try {
      expect((await readyz(gw.url)).status).toBe(200);
      const inFlight = gw.query('{ rates { id } }');
      await waitFor(() => slow.calls.length === 1, 'the in-flight upstream call');
      const closing = gw.close();
      expect(gw.gateway.readiness.report()).toMatchObject({ status: 'not ready', reason: 'shutting down' });
      // New connections are refused now, so a probe cannot see "ready" either way.
      const probe = await readyz(gw.url).then((r) => r.status, () => 'refused');
      expect(probe === 503 || probe === 'refused').toBe(true);
      release();
      expect((await inFlight).body).toEqual({ data: { rates: [{ id: 'r' }] } });
      await closing;
    } finally {
      release();
      await slow.close();
      await config.remove();
    }
  });
});
