import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type GraphQLResponse, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { callersYaml } from '../support/callers.ts';
import { OPERATION_SHARED_CHANNEL } from '../../src/execute/index.ts';
import { parseMetrics, valueOf } from '../observability/metrics-text.ts';
import { InFlightGate } from '../support/in-flight-gate.ts';

// `coalesce: false` and no pooling: every upstream call counted here is one execution's own.
const PEOPLE_YAML = `
baseUrl: \${PEOPLE_URL}
forwardHeaders: [x-user]
operations:
  getPeople:
    path: /people
    query: { ids: "{keys}" }
    batch: { maxSize: 50, keyField: id, keyStyle: comma }
    coalesce: false
    result: items
  touch:
    method: POST
    path: /touch
    body: { id: "{id}" }
    params: { id: ID! }
    result: item
`;

const SCHEMA = `
type Query {
  person(id: ID!): Person @source(connector: "people", operation: "getPeople", key: "{args.id}")
}
type Mutation {
  touch(id: ID!): Person @source(connector: "people", operation: "touch", params: { id: "{args.id}" })
}
type Person { id: ID! seenBy: String email: String @mask(email: true, unmaskScope: "pii:read") }
`;

const CALLERS = callersYaml({
  callers: {
    agentA: { keys: ['key-a'], scopes: ['pii:read'] },
    agentB: { keys: ['key-b'], scopes: ['pii:read'] },
    reports: { keys: ['key-r'], scopes: [] },
  },
});

const ADMIN = 'admin-token-for-usage';
const QUERY = 'query Person($id: ID!) { person(id: $id) { id seenBy email } }';

interface Rig {
  gw: TestGateway;
  upstream: FakeUpstream;
  close(): Promise<void>;
}

const gate = new InFlightGate();
/** Joins made before parsing (by the body's bytes), apart from all joins. */
let bodyJoins = 0;
const onJoin = (message: unknown) => {
  if ((message as { via: string }).via === 'body') bodyJoins += 1;
  gate.join();
};

async function startRig(gatewayYaml: string): Promise<Rig> {
  const upstream = await startFakeUpstream((call, res) => {
    gate.call();
    const seenBy = call.headers['x-user'] === undefined ? null : String(call.headers['x-user']);
    if (call.method === 'POST') return void gate.opened.then(() => json(res, 200, { item: { id: 't', seenBy, email: 't@example.com' } }));
    const ids = call.url.searchParams.get('ids')!.split(',');
    void gate.opened.then(() => json(res, 200, { items: ids.map((id) => ({ id, seenBy, email: `p${id}@example.com` })) }));
  });
  const config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'people.yaml': PEOPLE_YAML } });
  await writeFile(path.join(config.dir, 'callers.yaml'), CALLERS);
  await writeFile(path.join(config.dir, 'gateway.yaml'), `batching:\n  acrossRequests: false\nmetrics:\n  enabled: true\nreload:\n  adminToken: ${ADMIN}\n${gatewayYaml}`);
  // Dev mode, for the explain header.
  const gw = await startGateway({ configDir: config.dir, env: { PEOPLE_URL: upstream.url }, dev: true });
  return {
    gw,
    upstream,
    async close() {
      await gw.close();
      await upstream.close();
      await config.remove();
    },
  };
}

interface Sent {
  key: string;
  query?: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
  door?: 'fast' | 'yoga';
}

async function burst(rig: Rig, requests: readonly Sent[], want: { calls: number; joins: number }): Promise<GraphQLResponse[]> {
  bodyJoins = 0;
  gate.arm(want);
  rig.upstream.calls.length = 0;
  return Promise.all(requests.map((r) => rig.gw.queryVia(r.door ?? 'fast', r.query ?? QUERY, r.variables ?? { id: '1' }, { 'x-api-key': r.key, ...r.headers })));
}

const sharedCount = async (rig: Rig): Promise<number> =>
  valueOf(parseMetrics(await (await fetch(`${rig.gw.url}/metrics`)).text()), 'tessera_requests_shared_total', { traffic: 'production' }) ?? 0;

const times = (n: number, sent: Sent): Sent[] => Array.from({ length: n }, (_, i) => ({ ...sent, door: i % 2 === 0 ? 'fast' : 'yoga' }));

beforeAll(() => subscribe(OPERATION_SHARED_CHANNEL, onJoin));
afterAll(() => unsubscribe(OPERATION_SHARED_CHANNEL, onJoin));

describe('identical queries in flight share one execution and one answer', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('');
  });
  afterAll(() => rig.close());

  test('20 identical queries of one caller, through both doors: one execution, one upstream call, 20 access lines of their own', async () => {
    const logsBefore = rig.gw.logs.length;
    const sharedBefore = await sharedCount(rig);
    const responses = await burst(rig, times(20, { key: 'key-a' }), { calls: 1, joins: 19 });
    expect((await sharedCount(rig)) - sharedBefore).toBe(19);
    expect(rig.upstream.calls.map((c) => c.rawPath)).toEqual(['/people?ids=1']);
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ data: { person: { id: '1', seenBy: null, email: 'p1@example.com' } } });
    }
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(20);
    const access = rig.gw.logs.slice(logsBefore).filter((l) => l.msg === 'request completed' && l.path === '/graphql');
    expect(access).toHaveLength(20);
    const leaders = access.filter((l) => l.sharedWith === undefined);
    expect(leaders).toHaveLength(1);
    expect(leaders[0]!.upstreamCallCount).toBe(1);
    const joined = access.filter((l) => l.sharedWith !== undefined);
    expect(joined.map((l) => l.sharedWith)).toEqual(Array(19).fill(leaders[0]!.reqId));
    expect(joined.every((l) => l.upstreamCallCount === 0 && l.operationName === 'Person')).toBe(true);
  });

  test('the same bytes on the fast path join before parsing, the same query through yoga once planned; other text runs apart; usage counts every request', async () => {
    const admin = { authorization: `Bearer ${ADMIN}` };
    await fetch(`${rig.gw.url}/admin/usage/reset`, { method: 'POST', headers: admin });
    const respaced = QUERY.replace('{ person', '{   person');
    bodyJoins = 0;
    // The respaced document is another text, so another plan: one more execution, which its twin joins.
    gate.arm({ calls: 2, joins: 9 });
    rig.upstream.calls.length = 0;
    // The first request leads, alone on the fast path, so the others find it in flight.
    const first = rig.gw.query(QUERY, { id: '1' }, { 'x-api-key': 'key-a' });
    while (gate.calls < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const headers = { 'x-api-key': 'key-a' };
    const rest = [
      ...Array.from({ length: 5 }, () => rig.gw.queryVia('fast', QUERY, { id: '1' }, headers)),
      ...Array.from({ length: 3 }, () => rig.gw.queryVia('yoga', QUERY, { id: '1' }, headers)),
      ...Array.from({ length: 2 }, () => rig.gw.queryVia('fast', respaced, { id: '1' }, headers)),
    ];
    const responses = await Promise.all([first, ...rest]);
    expect(rig.upstream.calls).toHaveLength(2);
    expect({ joins: gate.joins, bodyJoins }).toEqual({ joins: 9, bodyJoins: 6 });
    for (const r of responses) expect(r.body).toEqual({ data: { person: { id: '1', seenBy: null, email: 'p1@example.com' } } });
    const usage = (await (await fetch(`${rig.gw.url}/admin/usage`, { headers: admin })).json()) as { callers: Record<string, { requests: number; fields: Record<string, number> }> };
    expect(usage.callers.agentA).toEqual({ requests: 11, fields: { 'Query.person': 11, 'Person.id': 11, 'Person.seenBy': 11, 'Person.email': 11 } });
  });

  // Each row: the requests sent at once, and how many executions (upstream calls) they must make.
  test.for<{ name: string; requests: Sent[]; calls: number }>([
    {
      name: 'three callers, four identical queries each: one execution per caller, each with its own view',
      requests: [0, 1, 2, 3].flatMap(() => [{ key: 'key-a' }, { key: 'key-b' }, { key: 'key-r' }]),
      calls: 3,
    },
    {
      name: 'one caller, two values of a forwarded header: one execution per value',
      requests: [...times(3, { key: 'key-a', headers: { 'x-user': 'ann' } }), ...times(3, { key: 'key-a', headers: { 'x-user': 'bob' } })],
      calls: 2,
    },
    {
      name: 'other variables: nothing shared',
      requests: [{ key: 'key-a', variables: { id: '1' } }, { key: 'key-a', variables: { id: '2' } }, { key: 'key-a', variables: { id: '3' } }],
      calls: 3,
    },
    {
      name: 'an identical mutation is never shared',
      requests: times(3, { key: 'key-a', query: 'mutation { touch(id: "1") { id } }', variables: {} }),
      calls: 3,
    },
    {
      name: 'explain wants its own account of the calls: never shared',
      requests: times(2, { key: 'key-a', headers: { 'x-tessera-explain': '1' } }),
      calls: 2,
    },
  ])('$name', async ({ requests, calls }) => {
    const responses = await burst(rig, requests, { calls, joins: requests.length - calls });
    expect(rig.upstream.calls).toHaveLength(calls);
    expect(gate.joins).toBe(requests.length - calls);
    // Never another caller's answer: each request sees exactly its own forwarded value and its own mask.
    for (const [i, r] of responses.entries()) {
      const sent = requests[i]!;
      if (sent.query?.startsWith('mutation')) {
        expect(r.body).toEqual({ data: { touch: { id: 't' } } });
        continue;
      }
      const id = String(sent.variables?.id ?? '1');
      const email = sent.key === 'key-r' ? expect.stringMatching(/^p\*+@example\.com$/) : `p${id}@example.com`;
      expect(r.body.data).toEqual({ person: { id, seenBy: sent.headers?.['x-user'] ?? null, email } });
      // An explained request's calls are its own.
      if (sent.headers?.['x-tessera-explain']) expect((r.body.extensions?.tessera as { upstreamCalls: Record<string, { calls: number }> }).upstreamCalls['people.getPeople']!.calls).toBe(1);
    }
  });

  test('a request with a shorter deadline than the execution in flight runs on its own', async () => {
    gate.arm({ calls: 2, joins: 0 });
    rig.upstream.calls.length = 0;
    const first = rig.gw.query(QUERY, { id: '1' }, { 'x-api-key': 'key-a' });
    // The second arrives once the first's call is out, and may not wait as long as the first may.
    while (gate.calls < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = rig.gw.query(QUERY, { id: '1' }, { 'x-api-key': 'key-a', 'x-tessera-timeout-ms': '5000' });
    const [a, b] = await Promise.all([first, second]);
    expect(rig.upstream.calls).toHaveLength(2);
    expect(gate.joins).toBe(0);
    expect(a.body).toEqual(b.body);
  });
});

describe('sharing: turned off for all, for an operation, for a caller', () => {
  test.for([
    { name: 'operations: false', yaml: 'sharing:\n  operations: false\n', key: 'key-a' },
    { name: 'exceptOperations lists the operation', yaml: 'sharing:\n  exceptOperations: [Person]\n', key: 'key-a' },
    { name: 'exceptCallers lists the caller', yaml: 'sharing:\n  exceptCallers: [agentA]\n', key: 'key-a' },
  ])('$name: four identical queries make four executions', async ({ yaml, key }) => {
    const rig = await startRig(yaml);
    try {
      const responses = await burst(rig, times(4, { key }), { calls: 4, joins: 0 });
      expect(rig.upstream.calls).toHaveLength(4);
      expect(gate.joins).toBe(0);
      for (const r of responses) expect(r.body).toEqual({ data: { person: { id: '1', seenBy: null, email: 'p1@example.com' } } });
    } finally {
      await rig.close();
    }
  });

  test('another caller than the excepted one still shares', async () => {
    const rig = await startRig('sharing:\n  exceptCallers: [agentA]\n');
    try {
      await burst(rig, times(4, { key: 'key-b' }), { calls: 1, joins: 3 });
      expect(rig.upstream.calls).toHaveLength(1);
      expect(gate.joins).toBe(3);
    } finally {
      await rig.close();
    }
  });
});
