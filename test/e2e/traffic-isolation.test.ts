import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { callersYaml } from '../support/callers.ts';
import { DOORS, startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream, type RecordedCall } from '../support/fake-upstream.ts';
import { locationOf } from '../support/location-of.ts';
import { parseMetrics, valueOf } from '../observability/metrics-text.ts';

// Production and shadow upstreams answer the same shapes with visibly different data.
const SCHEMA = `
type Query {
  users(ids: [ID!]!): [User] @source(connector: "users", operation: "getUsers", keys: "{args.ids}")
  note(id: ID!): Note @source(connector: "notes", operation: "getNote", params: { id: "{args.id}" })
  flaky(id: ID!): Note @source(connector: "flaky", operation: "getFlaky", params: { id: "{args.id}" })
  tags(ids: [ID!]!): [Tag] @source(connector: "tags", operation: "getTags", keys: "{args.ids}")
}

type Mutation {
  addNote(text: String!): Note @source(connector: "notes", operation: "addNote", params: { text: "{args.text}" })
  touchUser(id: ID!): User @source(connector: "users", operation: "touchUser", params: { id: "{args.id}" })
}

type User {
  id: ID!
  name: String
  invoices: [Invoice!] @source(connector: "billing", operation: "invoicesByUser", key: "{parent.id}")
}

type Invoice {
  id: ID!
}

type Note {
  id: ID!
  text: String
}

type Tag {
  id: ID!
  label: String
}
`;

// Shadowed: every marked call goes to the shadow upstream.
const USERS_YAML = `
baseUrl: \${USERS_URL}
shadow:
  baseUrl: \${USERS_SHADOW_URL}
operations:
  getUsers:
    path: /users
    query:
      ids: "{keys}"
    batch:
      maxSize: 10
      keyField: id
    result: items
  touchUser:
    path: /touch/{id}
    params:
      id: ID!
    result: user
`;

// No shadow, and production must never see marked traffic.
const BILLING_YAML = `
baseUrl: \${BILLING_URL}
isolation: required
operations:
  invoicesByUser:
    path: /invoices
    query:
      userIds: "{keys}"
    batch:
      maxSize: 10
      keyField: userId
      many: true
    result: items
`;

// Declares nothing: its GET goes to production with the mark; its POST fails closed (the default).
const NOTES_YAML = `
baseUrl: \${NOTES_URL}
operations:
  getNote:
    path: /notes/{id}
    params:
      id: ID!
    cache:
      ttlMs: 60000
    result: note
  addNote:
    method: POST
    path: /notes
    params:
      text: String!
    body:
      text: "{text}"
    result: note
`;

// Forwarded to production; its breaker opens after two failures in a row.
const FLAKY_YAML = `
baseUrl: \${FLAKY_URL}
isolation: forward
retry:
  maxRetries: 0
circuitBreaker:
  minRequests: 2
  errorThresholdPercent: 50
  resetTimeoutMs: 60000
operations:
  getFlaky:
    path: /flaky/{id}
    params:
      id: ID!
    result: note
`;

// Forwarded to production and pooled across requests: marked and unmarked keys must never share a call.
const TAGS_YAML = `
baseUrl: \${TAGS_URL}
isolation: forward
operations:
  getTags:
    path: /tags
    query:
      ids: "{keys}"
    batch:
      maxSize: 10
      keyField: id
      acrossRequests: true
    result: items
`;

const MARK = 'x-tessera-traffic';
/** A panel; `noteId` differs per test, so no test finds the note another one cached. */
const PANEL = (noteId: string) => `{ users(ids: ["1", "2"]) { id name invoices { id } } note(id: "${noteId}") { id text } }`;

let upstreams: Record<'users' | 'usersShadow' | 'billing' | 'notes' | 'flaky' | 'tags', FakeUpstream>;
/** Marked calls of the flaky upstream fail: a stress run against a struggling upstream. */
let flakyFailsMarked = false;
let config: { dir: string; remove(): Promise<void> };
let gw: TestGateway;
let env: Record<string, string>;

beforeAll(async () => {
  const users = (prefix: string) => (call: RecordedCall, res: Parameters<typeof json>[0]) =>
    // A write that fails: a mutation is never retried, on production or on the shadow.
    call.url.pathname.startsWith('/touch/')
      ? json(res, 503, { error: 'busy' })
      : json(res, 200, { items: (call.url.searchParams.get('ids') ?? '').split(',').map((id) => ({ id, name: `${prefix}User ${id}` })) });
  upstreams = {
    users: await startFakeUpstream(users('')),
    usersShadow: await startFakeUpstream(users('Shadow ')),
    billing: await startFakeUpstream((call, res) => json(res, 200, { items: (call.url.searchParams.get('userIds') ?? '').split(',').map((userId) => ({ id: `i${userId}`, userId })) })),
    notes: await startFakeUpstream((call, res) => json(res, 200, { note: { id: call.url.pathname.split('/').pop() ?? 'new', text: `note ${call.headers[MARK] ?? 'production'}` } })),
    flaky: await startFakeUpstream((call, res) => (flakyFailsMarked && call.headers[MARK] ? json(res, 500, { error: 'down' }) : json(res, 200, { note: { id: 'f', text: 'fine' } }))),
    tags: await startFakeUpstream((call, res) => json(res, 200, { items: (call.url.searchParams.get('ids') ?? '').split(',').map((id) => ({ id, label: `tag ${id}` })) })),
  };
  config = await writeConfigDir({
    schemas: { 'schema.graphql': SCHEMA },
    connectors: { 'users.yaml': USERS_YAML, 'billing.yaml': BILLING_YAML, 'notes.yaml': NOTES_YAML, 'flaky.yaml': FLAKY_YAML, 'tags.yaml': TAGS_YAML },
  });
  await writeFile(path.join(config.dir, 'gateway.yaml'), 'metrics:\n  enabled: true\n');
  env = {
    USERS_URL: upstreams.users.url,
    USERS_SHADOW_URL: upstreams.usersShadow.url,
    BILLING_URL: upstreams.billing.url,
    NOTES_URL: upstreams.notes.url,
    FLAKY_URL: upstreams.flaky.url,
    TAGS_URL: upstreams.tags.url,
  };
  gw = await startGateway({ configDir: config.dir, env, dev: true, batchAcrossRequestsAbove: 0 });
});

afterEach(() => {
  for (const upstream of Object.values(upstreams)) upstream.calls.length = 0;
  flakyFailsMarked = false;
});

afterAll(async () => {
  await gw.close();
  for (const upstream of Object.values(upstreams)) await upstream.close();
  await config.remove();
});

const callCounts = () => Object.fromEntries(Object.entries(upstreams).map(([name, u]) => [name, u.calls.length]));

describe.each(DOORS)('a marked request, through the %s door', (door) => {
  test('reaches only shadow upstreams where one is declared, fails closed where isolation is required, forwards the mark elsewhere', async () => {
    const panel = PANEL(`shadowed-${door}`);
    const response = await gw.queryVia(door, panel, undefined, { [MARK]: 'stress', 'x-tessera-explain': '1' });
    expect(response.status).toBe(200);
    const invoicesError = (index: number) => ({
      message: 'Not called for stress traffic: billing.invoicesByUser has no shadow target and connector billing is declared isolation: required',
      locations: locationOf(panel, 'invoices'),
      path: ['users', index, 'invoices'],
      extensions: { code: 'ISOLATION_REQUIRED', connector: 'billing', operation: 'invoicesByUser' },
    });
    expect({ data: response.body.data, errors: response.body.errors }).toEqual({
      data: { users: [{ id: '1', name: 'Shadow User 1', invoices: null }, { id: '2', name: 'Shadow User 2', invoices: null }], note: { id: `shadowed-${door}`, text: 'note stress' } },
      errors: [invoicesError(0), invoicesError(1)],
    });
    // Exactly zero production calls for the shadowed and the required connector.
    expect(callCounts()).toEqual({ users: 0, usersShadow: 1, billing: 0, notes: 1, flaky: 0, tags: 0 });
    // Explain names the target each fetch used for this mark.
    const tessera = response.body.extensions!.tessera as { traffic: string; upstreamCalls: Record<string, { target: string; calls: number }> };
    expect(tessera.traffic).toBe('stress');
    expect(Object.fromEntries(Object.entries(tessera.upstreamCalls).map(([id, s]) => [id, [s.target, s.calls]]))).toEqual({
      'users.getUsers': [`shadow ${upstreams.usersShadow.url}`, 1],
      'billing.invoicesByUser': ['refused: no shadow target', 0],
      'notes.getNote': ['production (mark forwarded)', 1],
    });
  });

  test('carries the mark on every upstream call, with its request id', async () => {
    const response = await gw.queryVia(door, PANEL(`forwarded-${door}`), undefined, { [MARK]: 'preview', 'x-request-id': `marked-${door}` });
    expect(response.status).toBe(200);
    const calls = Object.values(upstreams).flatMap((u) => u.calls);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => [c.headers[MARK], c.headers['x-request-id']])).toEqual([
      ['preview', `marked-${door}`],
      ['preview', `marked-${door}`],
    ]);
  });

  test('an unmarked request reaches production only and carries no mark', async () => {
    const response = await gw.queryVia(door, '{ users(ids: ["3"]) { id name invoices { id } } }');
    expect(response.body).toEqual({ data: { users: [{ id: '3', name: 'User 3', invoices: [{ id: 'i3' }] }] } });
    expect(callCounts()).toEqual({ users: 1, usersShadow: 0, billing: 1, notes: 0, flaky: 0, tags: 0 });
    expect([...upstreams.users.calls, ...upstreams.billing.calls].map((c) => c.headers[MARK])).toEqual([undefined, undefined]);
  });

  test('a mutation of a connector that declares nothing fails closed: non-GET operations need a shadow', async () => {
    const mutation = 'mutation { addNote(text: "hi") { id } }';
    const response = await gw.queryVia(door, mutation, undefined, { [MARK]: 'stress' });
    expect(response.body).toEqual({
      data: { addNote: null },
      errors: [
        {
          message: 'Not called for stress traffic: notes.addNote has no shadow target and notes.addNote is not read-only (POST) and isolation.unshadowed.writes is required',
          locations: locationOf(mutation, 'addNote'),
          path: ['addNote'],
          extensions: { code: 'ISOLATION_REQUIRED', connector: 'notes', operation: 'addNote' },
        },
      ],
    });
    expect(upstreams.notes.calls).toHaveLength(0);
  });

  test('a mutation goes to the shadow once, never retried, as it would go to production', async () => {
    const mutation = 'mutation { touchUser(id: "1") { id } }';
    const marked = await gw.queryVia(door, mutation, undefined, { [MARK]: 'stress' });
    const plain = await gw.queryVia(door, mutation);
    expect([marked.body.errors?.[0]?.extensions?.code, plain.body.errors?.[0]?.extensions?.code]).toEqual(['UPSTREAM_HTTP_ERROR', 'UPSTREAM_HTTP_ERROR']);
    expect(callCounts()).toMatchObject({ users: 1, usersShadow: 1 });
  });

  test('an unknown mark is refused with 400 before any work', async () => {
    const response = await gw.queryVia(door, PANEL('unknown'), undefined, { [MARK]: 'stres' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [{ message: 'The x-tessera-traffic header must be one of stress, preview; got "stres". Did you mean "stress"?', extensions: { code: 'ISOLATION_UNKNOWN_MARK' } }],
    });
    expect(Object.values(callCounts()).reduce((a, b) => a + b)).toBe(0);
  });
});

describe('apart in shared state', () => {
  test.each(DOORS)('the response cache: a marked request never gets an answer an unmarked one cached, nor the reverse (%s door)', async (door) => {
    const query = `{ note(id: "cache-${door}") { text } }`;
    const run = async (mark: string | undefined) => (await gw.queryVia(door, query, undefined, mark ? { [MARK]: mark } : {})).body.data;
    expect(await run(undefined)).toEqual({ note: { text: 'note production' } });
    expect(await run('stress')).toEqual({ note: { text: 'note stress' } });
    expect(await run('stress')).toEqual({ note: { text: 'note stress' } });
    expect(await run(undefined)).toEqual({ note: { text: 'note production' } });
    expect(await run('preview')).toEqual({ note: { text: 'note preview' } });
    // One call per traffic; every repeat was its own traffic's cache hit.
    expect(upstreams.notes.calls.map((c) => c.headers[MARK] ?? 'production')).toEqual(['production', 'stress', 'preview']);
  });

  test('the circuit breaker: marked failures open only the marked breaker; production keeps calling', async () => {
    flakyFailsMarked = true;
    const query = '{ flaky(id: "1") { text } }';
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) codes.push((await gw.query(query, undefined, { [MARK]: 'stress' })).body.errors?.[0]?.extensions?.code);
    expect(codes).toEqual(['UPSTREAM_HTTP_ERROR', 'UPSTREAM_HTTP_ERROR', 'CIRCUIT_OPEN']);
    expect(upstreams.flaky.calls).toHaveLength(2);
    expect(gw.gateway.connectorStates().flaky!.breaker).toBe('closed');
    // The mark reached the async steps that logged the failures (AsyncLocalStorage): every line is labelled.
    const failures = gw.logs.filter((l) => l.msg === 'upstream call failed' && l.connector === 'flaky');
    expect(failures.map((l) => l.traffic)).toEqual(['stress', 'stress', 'stress']);
    for (const door of DOORS) expect((await gw.queryVia(door, query)).body).toEqual({ data: { flaky: { text: 'fine' } } });
    expect(upstreams.flaky.calls.map((c) => c.headers[MARK] ?? 'production')).toEqual(['stress', 'stress', 'production', 'production']);
    // preview has a breaker of its own too, still closed.
    flakyFailsMarked = false;
    expect((await gw.query(query, undefined, { [MARK]: 'preview' })).body).toEqual({ data: { flaky: { text: 'fine' } } });
    const breakers = await fetch(`${gw.url}/metrics`).then((r) => r.text()).then(parseMetrics);
    expect(valueOf(breakers, 'tessera_circuit_breaker_state', { connector: 'flaky', state: 'closed', traffic: 'production' })).toBe(1);
    expect(valueOf(breakers, 'tessera_circuit_breaker_state', { connector: 'flaky', state: 'open', traffic: 'stress' })).toBe(1);
    expect(valueOf(breakers, 'tessera_circuit_breaker_state', { connector: 'flaky', state: 'closed', traffic: 'preview' })).toBe(1);
  });

  test('cross-request batches: concurrent marked and unmarked requests never share a call', async () => {
    const executor = gw.gateway.executor;
    const prepared = executor.planCache.prepareText('query ($ids: [ID!]!) { tags(ids: $ids) { id label } }');
    if ('errors' in prepared) throw new Error('bad document');
    const requests = [
      { ids: ['1'], traffic: 'stress' },
      { ids: ['2'], traffic: undefined },
      { ids: ['3'], traffic: 'stress' },
      { ids: ['4'], traffic: undefined },
      { ids: ['5'], traffic: 'preview' },
    ];
    // Started in one turn of the event loop: their keys reach the pooled batches together.
    const results = await Promise.all(
      requests.map(({ ids, traffic }, i) => executor.execute({ prepared, operationName: undefined, variables: { ids }, requestId: `r${i}`, explain: false, traffic })),
    );
    expect(results.map((r) => r.data)).toEqual(requests.map(({ ids }) => ({ tags: [{ id: ids[0], label: `tag ${ids[0]}` }] })));
    // One call per traffic, each with only its own traffic's keys.
    expect(upstreams.tags.calls.map((c) => [c.headers[MARK] ?? 'production', c.url.searchParams.get('ids')]).sort()).toEqual([
      ['preview', '5'],
      ['production', '2,4'],
      ['stress', '1,3'],
    ]);
  });

  test.each(DOORS)('cross-request batches over HTTP (%s door): every call carries one traffic\'s keys only', async (door) => {
    const sent = Array.from({ length: 12 }, (_, i) => ({ id: String(i + 1), mark: i % 2 === 0 ? 'stress' : undefined }));
    await Promise.all(sent.map(({ id, mark }) => gw.queryVia(door, `{ tags(ids: ["${id}"]) { id } }`, undefined, mark ? { [MARK]: mark } : {})));
    const markedIds = new Set(sent.filter((s) => s.mark).map((s) => s.id));
    for (const call of upstreams.tags.calls) {
      const ids = (call.url.searchParams.get('ids') ?? '').split(',');
      expect(ids.every((id) => markedIds.has(id) === (call.headers[MARK] === 'stress'))).toBe(true);
    }
    expect(upstreams.tags.calls.flatMap((c) => (c.url.searchParams.get('ids') ?? '').split(',')).sort()).toEqual(sent.map((s) => s.id).sort());
  });

  test('the access log and the metrics label the traffic apart', async () => {
    gw.logs.length = 0;
    await gw.query('{ note(id: "logged") { id } }', undefined, { [MARK]: 'stress', 'x-request-id': 'log-marked' });
    await gw.query('{ note(id: "logged") { id } }', undefined, { 'x-request-id': 'log-plain' });
    const access = gw.logs.filter((l) => l.msg === 'request completed').map((l) => [l.reqId, l.traffic]);
    expect(access).toEqual([
      ['log-marked', 'stress'],
      ['log-plain', 'production'],
    ]);
    const samples = await fetch(`${gw.url}/metrics`).then((r) => r.text()).then(parseMetrics);
    const byTraffic = (traffic: string) => samples.filter((s) => s.name === 'tessera_requests_total' && s.labels.traffic === traffic).reduce((n, s) => n + s.value, 0);
    expect(byTraffic('stress')).toBeGreaterThan(0);
    expect(byTraffic('production')).toBeGreaterThan(0);
    expect(new Set(samples.filter((s) => s.labels.traffic !== undefined).map((s) => s.labels.traffic))).toEqual(new Set(['production', 'stress', 'preview']));
    expect(valueOf(samples, 'tessera_upstream_calls_total', { connector: 'notes', operation: 'getNote', outcome: 'ok', traffic: 'stress' })).toBeGreaterThan(0);
  });
});

describe('who may mark', () => {
  let guarded: TestGateway;
  let ignoring: TestGateway;
  let limited: TestGateway;
  const dirs: { dir: string; remove(): Promise<void> }[] = [];
  const configWith = async (gatewayYaml: string) => {
    const dir = await writeConfigDir({
      schemas: { 'schema.graphql': SCHEMA },
      connectors: { 'users.yaml': USERS_YAML, 'billing.yaml': BILLING_YAML, 'notes.yaml': NOTES_YAML, 'flaky.yaml': FLAKY_YAML, 'tags.yaml': TAGS_YAML },
    });
    await writeFile(path.join(dir.dir, 'gateway.yaml'), gatewayYaml);
    dirs.push(dir);
    return dir.dir;
  };
  beforeAll(async () => {
    // Who may mark is decided on the verified caller (callers.yaml), never on a header's claim.
    const callers = callersYaml({ mode: 'optional', callers: { someone: ['someone-key'], loadtest: ['loadtest-key'] } });
    const withCallers = async (gatewayYaml: string) => {
      const dir = await configWith(gatewayYaml);
      await writeFile(path.join(dir, 'callers.yaml'), callers);
      return dir;
    };
    guarded = await startGateway({ configDir: await withCallers('isolation:\n  allowedCallers: [loadtest]\n'), env });
    ignoring = await startGateway({ configDir: await withCallers('isolation:\n  allowedCallers: [loadtest]\n  unallowed: ignore\n  header: X-Load-Test\n'), env });
    limited = await startGateway({ configDir: await configWith('rateLimits:\n  default: { requestsPerSecond: 1, burst: 1 }\n'), env });
  });
  afterAll(async () => {
    await guarded.close();
    await ignoring.close();
    await limited.close();
    for (const dir of dirs) await dir.remove();
  });

  test.each(DOORS)('a mark from a caller not allowed to send one is refused with 403, before any upstream call (%s door)', async (door) => {
    const refused = await guarded.queryVia(door, PANEL('refused'), undefined, { [MARK]: 'stress', 'x-api-key': 'someone-key' });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ errors: [{ message: 'This caller may not send stress traffic (the x-tessera-traffic header).', extensions: { code: 'ISOLATION_MARK_REFUSED' } }] });
    const anonymous = await guarded.queryVia(door, PANEL('refused'), undefined, { [MARK]: 'stress' });
    expect(anonymous.status).toBe(403);
    expect(Object.values(callCounts()).reduce((a, b) => a + b)).toBe(0);
    const allowed = await guarded.queryVia(door, '{ users(ids: ["1"]) { name } }', undefined, { [MARK]: 'stress', 'x-api-key': 'loadtest-key' });
    expect(allowed.body).toEqual({ data: { users: [{ name: 'Shadow User 1' }] } });
    expect(callCounts()).toMatchObject({ users: 0, usersShadow: 1 });
  });

  test.each(DOORS)('with unallowed: ignore, such a mark is dropped and the request served as production, the mark not passed on (%s door)', async (door) => {
    const served = await ignoring.queryVia(door, '{ users(ids: ["1"]) { name } }', undefined, { 'x-load-test': 'stress', 'x-api-key': 'someone-key' });
    expect(served.body).toEqual({ data: { users: [{ name: 'User 1' }] } });
    expect(callCounts()).toMatchObject({ users: 1, usersShadow: 0 });
    expect(upstreams.users.calls[0]!.headers['x-load-test']).toBeUndefined();
    // The allowed caller's mark travels under the configured header name.
    const marked = await ignoring.queryVia(door, `{ note(id: "h-${door}") { text } }`, undefined, { 'x-load-test': 'stress', 'x-api-key': 'loadtest-key' });
    expect(marked.body).toEqual({ data: { note: { text: 'note production' } } });
    expect(upstreams.notes.calls.map((c) => c.headers['x-load-test'])).toEqual(['stress']);
  });

  test('marked traffic has rate-limit buckets of its own: a load test never spends production quota', async () => {
    const query = '{ note(id: "rl") { id } }';
    const statuses = [];
    for (const mark of ['stress', 'stress', undefined, 'preview', undefined]) statuses.push((await limited.query(query, undefined, { ...(mark ? { [MARK]: mark } : {}) })).status);
    expect(statuses).toEqual([200, 429, 200, 200, 429]);
  });
});
