import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_KEYS, startConsoleRig, type ConsoleRig } from './console-fixtures.ts';
import { explainOperation, printPlan, describePlan } from '../../src/plan/index.ts';

const USERS = 'query Users { users(ids: ["1", "2"]) { id name profile { id bio } } }';
const ONE = 'query One { profile(id: "7") { id bio } }';
const UNNAMED = '{ users(ids: ["3"]) { id name } }';

describe('the admin API after a known request mix', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
    const { gw, upstream } = rig;
    for (let i = 0; i < 3; i++) expect((await gw.query(USERS, {}, { 'x-api-key': API_KEYS.alpha })).status).toBe(200);
    upstream.setFault('/profiles', { kind: 'status', status: 500 });
    expect((await gw.query(USERS, {}, { 'x-api-key': API_KEYS.alpha })).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_HTTP_ERROR');
    upstream.setFault('/profiles', { kind: 'none' });
    // `limited` may send 2 at once (burst 2, 1 per second): the third is refused.
    const limited = [];
    for (let i = 0; i < 3; i++) limited.push((await gw.query(ONE, {}, { 'x-api-key': API_KEYS.limited })).status);
    expect(limited).toEqual([200, 200, 429]);
    expect((await gw.query(UNNAMED)).status).toBe(200);
  });
  afterAll(() => rig.close());

  test('GET /admin/api/connectors: calls, errors by kind, batches, retries, concurrency, breaker', async () => {
    const response = await rig.admin('/admin/api/connectors');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { windowSeconds: number; connectors: Record<string, unknown>[] };
    const byName = Object.fromEntries(body.connectors.map((c) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(['accounts', 'profiles']);
    const figures = (c: Record<string, unknown>) => {
      const { window, breaker, concurrency, health, operations, connectionCheck } = c as { window: Record<string, unknown>; breaker: { state: string }; concurrency: unknown; health: string; operations: string[]; connectionCheck: string };
      const { latencyMs, callsPerSecond, ...counts } = window as { latencyMs: { p50: number | null; p99: number | null }; callsPerSecond: number };
      expect(callsPerSecond).toBeCloseTo((counts as { calls: number }).calls / body.windowSeconds, 2);
      expect(latencyMs.p50).toBeGreaterThan(0);
      expect(latencyMs.p99).toBeGreaterThanOrEqual(latencyMs.p50!);
      return { health, breaker: breaker.state, concurrency, operations, connectionCheck, ...counts };
    };
    expect(figures(byName.accounts!)).toEqual({
      health: 'ok',
      breaker: 'closed',
      concurrency: { inFlight: 0, queued: 0, maxConcurrent: 128, maxQueue: 1024 },
      operations: ['getUsers'],
      connectionCheck: 'skipped',
      // 4 × Users (keys 1, 2) and the unnamed query (key 3).
      calls: 5,
      errors: 0,
      errorRate: 0,
      errorsByKind: {},
      batches: { calls: 5, keys: 9, meanSize: 1.8 },
      retries: 0,
      cache: { hits: 0, misses: 0, hitRate: null },
    });
    expect(figures(byName.profiles!)).toEqual({
      // 3 of 8 attempts failed: degraded, but the breaker (20 calls at least) stays closed.
      health: 'degraded',
      breaker: 'closed',
      concurrency: { inFlight: 0, queued: 0, maxConcurrent: 128, maxQueue: 1024 },
      operations: ['getProfiles', 'search', 'searchIdempotent'],
      connectionCheck: 'skipped',
      // 3 × Users ok, the failed Users (1 attempt + 2 retries), 2 × One ok.
      calls: 8,
      errors: 3,
      errorRate: 0.375,
      errorsByKind: { http_error: 3 },
      batches: { calls: 6, keys: 10, meanSize: 1.667 },
      retries: 2,
      cache: { hits: 0, misses: 0, hitRate: null },
    });
    const series = (byName.profiles as { series: { calls: number; errors: number }[] }).series;
    expect(series.reduce((sum, p) => sum + p.calls, 0)).toBe(8);
    expect(series.reduce((sum, p) => sum + p.errors, 0)).toBe(3);
  });

  test('GET /admin/api/callers: requests, errors, rate-limit refusals and top operations per caller', async () => {
    const response = await rig.admin('/admin/api/callers');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { windowSeconds: number; callers: { requestsPerSecond: number; requests: number }[] };
    for (const caller of body.callers) expect(caller.requestsPerSecond).toBeCloseTo(caller.requests / body.windowSeconds, 2);
    expect(body.callers.map(({ requestsPerSecond: _, ...rest }) => rest)).toEqual([
      { caller: 'alpha', requests: 4, errors: 0, rateLimited: 0, byStatus: { '200': 4 }, topOperations: [{ operation: 'Users', requests: 4 }] },
      // The refused request was never parsed: it has no operation name.
      { caller: 'limited', requests: 3, errors: 0, rateLimited: 1, byStatus: { '200': 2, '429': 1 }, topOperations: [{ operation: 'One', requests: 2 }, { operation: 'anonymous', requests: 1 }] },
      { caller: 'anonymous', requests: 1, errors: 0, rateLimited: 0, byStatus: { '200': 1 }, topOperations: [{ operation: 'anonymous', requests: 1 }] },
    ]);
  });

  test('GET /admin/api/config: the version /readyz reports, and no reload yet', async () => {
    const readyz = (await (await fetch(`${rig.gw.url}/readyz`)).json()) as { configVersion: string };
    const response = await rig.admin('/admin/api/config');
    expect(await response.json()).toEqual({ version: readyz.configVersion, status: 'ready', reason: null, lastReload: null, lastReloadError: null, connectors: { accounts: 'skipped', profiles: 'skipped' } });
  });

  test('GET /admin/api/usage: the fields each caller used, and the unused ones', async () => {
    const response = await rig.admin('/admin/api/usage');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { callers: Record<string, { requests: number; fields: Record<string, number> }>; unused: string[] };
    // The refused request of `limited` never ran: 2 requests.
    expect(Object.fromEntries(Object.entries(body.callers).map(([caller, u]) => [caller, u.requests]))).toEqual({ alpha: 4, anonymous: 1, limited: 2 });
    expect(body.callers.alpha!.fields).toEqual({ 'Profile.bio': 4, 'Profile.id': 4, 'Query.users': 4, 'User.id': 4, 'User.name': 4, 'User.profile': 4 });
    expect(body.callers.limited!.fields).toEqual({ 'Profile.bio': 2, 'Profile.id': 2, 'Query.profile': 2 });
    expect(body.unused).toEqual(expect.arrayContaining(['Query.searchProfiles', 'User.staleProfile']));
    expect(body.unused).not.toContain('Query.users');
  });

  test('POST /admin/api/explain: the plan tessera explain prints, as text and as JSON', async () => {
    const response = await rig.admin('/admin/api/explain', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: USERS }) });
    expect(response.status).toBe(200);
    const expected = explainOperation(rig.gw.gateway.blueprint, USERS);
    if (!('plan' in expected)) throw new Error('the fixture query must plan');
    expect(await response.json()).toEqual({ text: printPlan(expected.plan), plan: JSON.parse(JSON.stringify(describePlan(expected.plan))) });
  });

  test.for([
    { name: 'an unknown field', body: { query: '{ users(ids: ["1"]) { nope } }' }, status: 422, expected: { problems: [{ location: { line: 1, column: 23 }, text: 'Cannot query field "nope" on type "User". Did you mean "name"?' }] } },
    { name: 'a missing variable', body: { query: 'query Q($id: ID!) { profile(id: $id) { id } }' }, status: 422, expected: { problems: [{ location: { line: 1, column: 9 }, text: 'Variable "$id" of required type "ID!" was not provided.' }] } },
    { name: 'no query', body: { variables: {} }, status: 400, expected: { error: { code: 'REQUEST_INVALID', message: '"query" must be a string holding a GraphQL operation.' } } },
    { name: 'variables that are not an object', body: { query: '{ users(ids: []) { id } }', variables: [1] }, status: 400, expected: { error: { code: 'REQUEST_INVALID', message: '"variables" must be a JSON object.' } } },
  ])('POST /admin/api/explain with $name: $status and what is wrong', async ({ body, status, expected }) => {
    const response = await rig.admin('/admin/api/explain', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect({ status: response.status, body: await response.json() }).toEqual({ status, body: expected });
  });

  test('POST /admin/api/explain with a body that is not JSON: 400', async () => {
    const response = await rig.admin('/admin/api/explain', { method: 'POST', body: '{ query' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('REQUEST_INVALID');
  });

  test.for([
    { name: 'a wrong method', path: '/admin/api/connectors', method: 'POST', status: 405 },
    { name: 'an unknown admin path', path: '/admin/api/nope', method: 'GET', status: 404 },
    { name: 'an unknown console file', path: '/console/nope.js', method: 'GET', status: 404 },
  ])('$name: $status', async ({ path: pathname, method, status }) => {
    expect((await rig.admin(pathname, { method })).status).toBe(status);
  });
});

describe('the admin credential', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
  });
  afterAll(() => rig.close());

  const PATHS = [
    ['GET', '/console'],
    ['GET', '/console/console.js'],
    ['GET', '/admin/api/connectors'],
    ['GET', '/admin/api/callers'],
    ['GET', '/admin/api/config'],
    ['GET', '/admin/api/usage'],
    ['POST', '/admin/api/explain'],
    ['GET', '/admin/api/nope'],
  ] as const;
  const CREDENTIALS = [
    { name: 'no credential', auth: null, cookie: undefined },
    { name: 'a wrong token', auth: 'Bearer wrong', cookie: undefined },
    { name: 'the token in a Basic header', auth: 'Basic Y29uc29sZS10ZXN0LXRva2VuLTAxMjM0NTY3ODk=', cookie: undefined },
    { name: 'a forged session cookie', auth: null, cookie: 'tessera_console=console-test-token-0123456789' },
  ];
  test.for(PATHS.flatMap(([method, p]) => CREDENTIALS.map((c) => ({ method, path: p, ...c }))))('$method $path with $name: 401 REQUEST_ADMIN_UNAUTHORIZED', async ({ method, path: pathname, auth, cookie }) => {
    const response = await rig.admin(pathname, { method, auth, headers: cookie ? { cookie } : {} });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('REQUEST_ADMIN_UNAUTHORIZED');
  });

  test('/console?token= sets an HttpOnly SameSite=Strict session cookie and drops the token from the address', async () => {
    const login = await rig.admin(`/console?token=${encodeURIComponent('console-test-token-0123456789')}`, { auth: null });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/console');
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^tessera_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain('console-test-token');
    const cookie = setCookie.split(';')[0]!;
    const page = await rig.admin('/console', { auth: null, headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/console/console.js"></script>');
    expect((await rig.admin('/admin/api/config', { auth: null, headers: { cookie } })).status).toBe(200);
    // The session cookie is no bearer token: it does not open POST /admin/reload.
    expect((await rig.admin('/console?token=wrong', { auth: null })).status).toBe(401);
  });
});

describe('a console that is not enabled', () => {
  test.for([
    { name: 'no console: section', yaml: '' },
    { name: 'enabled: false', yaml: 'console: { enabled: false, adminToken: t0ken }' },
    // Never open without a credential, whatever `enabled` says.
    { name: 'enabled without any admin token', yaml: 'console: { enabled: true }' },
  ])('with $name, /console and /admin/api/* do not exist (404)', async ({ yaml }) => {
    const rig = await startConsoleRig(yaml);
    try {
      for (const pathname of ['/console', '/admin/api/connectors']) expect((await rig.admin(pathname, { auth: 'Bearer t0ken' })).status).toBe(404);
    } finally {
      await rig.close();
    }
  });

  test('reload.adminToken is the console token when console: has none', async () => {
    const rig = await startConsoleRig('console: { enabled: true }\nreload: { adminToken: shared-t0ken }');
    try {
      expect((await rig.admin('/admin/api/config', { auth: 'Bearer shared-t0ken' })).status).toBe(200);
      expect((await rig.admin('/admin/api/config', { auth: null })).status).toBe(401);
    } finally {
      await rig.close();
    }
  });

  test('the console keeps the metrics counters without serving /metrics', async () => {
    const rig = await startConsoleRig();
    try {
      expect((await fetch(`${rig.gw.url}/metrics`)).status).toBe(404);
      expect(rig.gw.gateway.metrics).toBeUndefined();
    } finally {
      await rig.close();
    }
  });
});

describe('operators verified by callers.yaml (console.scope)', () => {
  const WITH_SCOPE = `console: { enabled: true, adminToken: ${JSON.stringify('t0ken')}, scope: "tessera:operator" }`;
  test.for([
    { name: 'the API key of a caller holding the scope', yaml: WITH_SCOPE, headers: { 'x-api-key': API_KEYS.ops }, status: 200 },
    { name: 'the API key of a caller without it', yaml: WITH_SCOPE, headers: { 'x-api-key': API_KEYS.alpha }, status: 401 },
    { name: 'an unknown API key', yaml: WITH_SCOPE, headers: { 'x-api-key': 'not-a-key' }, status: 401 },
    { name: 'no credential (callers.yaml mode optional: anonymous)', yaml: WITH_SCOPE, headers: {}, status: 401 },
    { name: 'the admin token still', yaml: WITH_SCOPE, headers: { authorization: 'Bearer t0ken' }, status: 200 },
    { name: 'the operator key without console.scope', yaml: 'console: { enabled: true, adminToken: t0ken }', headers: { 'x-api-key': API_KEYS.ops }, status: 401 },
  ])('$name: $status', async ({ yaml, headers, status }) => {
    const rig = await startConsoleRig(yaml);
    try {
      for (const pathname of ['/admin/api/config', '/console']) expect((await rig.admin(pathname, { auth: null, headers: headers as Record<string, string> })).status).toBe(status);
    } finally {
      await rig.close();
    }
  });
});

describe('the config page after a refused reload', () => {
  test('lastReload and lastReloadError name the file, line and column of each problem', async () => {
    const rig = await startConsoleRig();
    try {
      await writeFile(path.join(rig.configDir, 'connectors', 'accounts.yaml'), 'baseUrl: ${ACCOUNTS_URL}\noperations:\n  getUsers:\n    pth: /users\n');
      expect((await rig.gw.gateway.reload()).result).toBe('failed');
      const body = (await (await rig.admin('/admin/api/config')).json()) as { lastReload: Record<string, unknown>; lastReloadError: { problems: Record<string, unknown>[] } };
      expect(body.lastReload).toMatchObject({ result: 'failed', trigger: 'api' });
      const file = path.join(rig.configDir, 'connectors', 'accounts.yaml');
      expect(body.lastReloadError.problems.map(({ text: _, ...parts }) => parts)).toEqual([
        { file, line: 3, column: 3, code: 'CONFIG_MISSING_KEY', message: 'expected key "path" (the path template appended to baseUrl, e.g. "/customers/{id}"); it is missing' },
        { file, line: 4, column: 5, code: 'CONFIG_UNKNOWN_KEY', message: expect.stringMatching(/; got "pth"\. Did you mean "path"\?$/) },
      ]);
      expect(body.lastReload.problems).toEqual(body.lastReloadError.problems);
    } finally {
      await rig.close();
    }
  });
});
