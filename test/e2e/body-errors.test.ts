import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

// An internal service that answers HTTP 200 with { code, msg, data } and code != 0 on failure.
const CRM_YAML = `
baseUrl: \${CRM_URL}
retry: { maxRetries: 2, baseDelayMs: 0 }
envelope:
  failWhen: "body.code != 0"
  data: data
  code: code
  message: msg
  retryOn: [503]
operations:
  getCustomer:
    path: /customers/{id}
    params: { id: ID! }
    result: customer
  getCustomers:
    path: /customers
    query: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id }
    result: items
  getNote:
    path: /notes/{id}
    params: { id: ID! }
    envelope: { failWhen: "body.status == 'ERR'", code: errno, message: reason, messageSafe: true }
  health:
    path: /health
    envelope: false
`;

// Its own connector, so the breaker that opens here trips nothing the other tests use.
const FRAGILE_YAML = `
baseUrl: \${CRM_URL}
retry: { maxRetries: 0 }
circuitBreaker: { minRequests: 2, errorThresholdPercent: 50, resetTimeoutMs: 60000 }
envelope: { failWhen: "body.code != 0", data: data, code: code }
operations:
  getCustomer:
    path: /customers/{id}
    params: { id: ID! }
    result: customer
`;

const SCHEMA = `
type Query {
  customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomer", params: { id: "{args.id}" })
  customers(ids: [ID!]!): [Customer] @source(connector: "crm", operation: "getCustomers", keys: "{args.ids}")
  note(id: ID!): Note @source(connector: "crm", operation: "getNote", params: { id: "{args.id}" })
  fragile(id: ID!): Customer @source(connector: "fragile", operation: "getCustomer", params: { id: "{args.id}" })
  health: Health @source(connector: "crm", operation: "health")
}
type Health { ok: Boolean }
type Customer { id: ID! name: String }
type Note { id: ID! text: String }
`;

const CUSTOMERS: Record<string, { id: string; name: string }> = { '1': { id: '1', name: 'Ada' }, '2': { id: '2', name: 'Grace' } };
/** Upstream codes by customer id: 1001 "frozen" (not retryable), 503 "busy" (retryable), 'array' = no envelope at all. */
const FAILING: Record<string, number | 'array'> = { '13': 1001, '14': 503, '15': 'array' };
let busyLeft = 0;

let crm: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
// Callers see production answers (no diagnosis); the dev gateway is only for the explain header.
let gw: TestGateway;
let devGw: TestGateway;

beforeAll(async () => {
  crm = await startFakeUpstream((call, res) => {
    const [, kind, id] = call.url.pathname.split('/');
    if (kind === 'health') return json(res, 200, { ok: true });
    if (kind === 'notes') {
      if (id === 'bad') return json(res, 200, { status: 'ERR', errno: 'E_LOCKED', reason: 'note is locked' });
      return json(res, 200, { status: 'OK', id, text: `note ${id}` });
    }
    if (id === undefined) {
      const ids = (call.url.searchParams.get('ids') ?? '').split(',');
      if (ids.includes('13')) return json(res, 200, { code: 1001, msg: 'customer 13 is frozen: ssn 123-45-6789', data: null });
      return json(res, 200, { code: 0, msg: '', data: { items: ids.map((i) => CUSTOMERS[i]).filter(Boolean) } });
    }
    const failing = FAILING[id];
    if (failing === 'array') return json(res, 200, [CUSTOMERS['1']]);
    if (failing === 503 && busyLeft > 0) {
      busyLeft -= 1;
      return json(res, 200, { code: 503, msg: 'busy, try again', data: null });
    }
    if (failing === 1001) return json(res, 200, { code: 1001, msg: 'customer 13 is frozen: ssn 123-45-6789', data: null });
    json(res, 200, { code: 0, msg: '', data: { customer: CUSTOMERS[id] ?? { id, name: `busy ${id}` } } });
  });
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'crm.yaml': CRM_YAML, 'fragile.yaml': FRAGILE_YAML } });
  gw = await startGateway({ configDir: config.dir, env: { CRM_URL: crm.url } });
  devGw = await startGateway({ configDir: config.dir, env: { CRM_URL: crm.url }, dev: true });
});

afterEach(() => {
  crm.calls.length = 0;
  busyLeft = 0;
});

afterAll(async () => {
  await gw.close();
  await devGw.close();
  await crm.close();
  await config.remove();
});

const FROZEN = {
  message: 'Upstream crm.getCustomer reported a failure in its answer (upstream code 1001)',
  path: ['customer'],
  locations: [{ line: 1, column: 3 }],
  extensions: { code: 'UPSTREAM_BODY_ERROR', connector: 'crm', operation: 'getCustomer', upstreamCode: 1001 },
};

describe('errors signalled in the body (envelope)', () => {
  test.for([
    {
      name: 'code 0: the data inside the envelope, then result: applies',
      query: '{ customer(id: "1") { id name } }',
      body: { data: { customer: { id: '1', name: 'Ada' } } },
      calls: ['/customers/1'],
    },
    {
      name: 'code 1001: the field fails with the upstream code and without the upstream message; not retried',
      query: '{ customer(id: "13") { id name } }',
      body: { errors: [FROZEN], data: { customer: null } },
      calls: ['/customers/13'],
    },
    {
      name: 'only the failing field is lost',
      query: '{ customer(id: "13") { id } other: customer(id: "2") { name } }',
      body: { errors: [FROZEN], data: { customer: null, other: { name: 'Grace' } } },
      calls: ['/customers/13', '/customers/2'],
    },
    {
      name: 'a batched operation: data, then result: items',
      query: '{ customers(ids: ["1", "2"]) { name } }',
      body: { data: { customers: [{ name: 'Ada' }, { name: 'Grace' }] } },
      calls: ['/customers?ids=1%2C2'],
    },
    {
      name: 'a batched operation that fails fails every key of the call',
      query: '{ customers(ids: ["1", "13"]) { name } }',
      body: {
        errors: [0, 1].map((i) => ({
          message: 'Upstream crm.getCustomers reported a failure in its answer (upstream code 1001)',
          path: ['customers', i],
          locations: [{ line: 1, column: 3 }],
          extensions: { code: 'UPSTREAM_BODY_ERROR', connector: 'crm', operation: 'getCustomers', upstreamCode: 1001 },
        })),
        data: { customers: [null, null] },
      },
      calls: ['/customers?ids=1%2C13'],
    },
    {
      name: 'an operation\'s own envelope replaces the connector\'s; a message marked safe reaches the caller',
      query: '{ ok: note(id: "7") { text } note(id: "bad") { id } }',
      body: {
        errors: [
          {
            message: 'Upstream crm.getNote reported a failure in its answer (upstream code "E_LOCKED"): note is locked',
            path: ['note'],
            locations: [{ line: 1, column: 30 }],
            extensions: { code: 'UPSTREAM_BODY_ERROR', connector: 'crm', operation: 'getNote', upstreamCode: 'E_LOCKED', upstreamMessage: 'note is locked' },
          },
        ],
        data: { ok: { text: 'note 7' }, note: null },
      },
      calls: ['/notes/7', '/notes/bad'],
    },
    {
      name: 'envelope: false: an operation of an enveloped connector that answers plainly',
      query: '{ health { ok } }',
      body: { data: { health: { ok: true } } },
      calls: ['/health'],
    },
    {
      name: 'an answer without the declared envelope is a bad response',
      query: '{ customer(id: "15") { id } }',
      body: {
        errors: [{ message: 'Upstream crm.getCustomer answered without its declared envelope', path: ['customer'], locations: [{ line: 1, column: 3 }], extensions: { code: 'UPSTREAM_BAD_RESPONSE', connector: 'crm', operation: 'getCustomer' } }],
        data: { customer: null },
      },
      calls: ['/customers/15'],
    },
  ])('$name', async ({ query, body, calls }) => {
    const response = await gw.query(query);
    expect(response.body).toEqual(body);
    expect(crm.calls.map((c) => c.rawPath).sort()).toEqual([...calls].sort());
  });

  test('a code listed in retryOn is retried: two busy answers, then the data, in three calls', async () => {
    busyLeft = 2;
    const response = await devGw.query('{ customer(id: "14") { name } }', undefined, { 'x-tessera-explain': '1' });
    expect(response.body.data).toEqual({ customer: { name: 'busy 14' } });
    expect(crm.calls.map((c) => c.rawPath)).toEqual(['/customers/14', '/customers/14', '/customers/14']);
    expect((response.body.extensions?.tessera as { upstreamCalls: unknown }).upstreamCalls).toEqual({
      'crm.getCustomer': { calls: 1, batchSizes: [], failures: 0, retries: 2, cacheHits: 0 },
    });
  });

  test('the upstream message stays out of the answer and goes to the log, with the upstream code', async () => {
    const response = await gw.query('{ customer(id: "13") { id } }');
    expect(JSON.stringify(response.body)).not.toContain('frozen');
    const warning = gw.logs.findLast((line) => line.msg === 'upstream call failed');
    expect(warning).toMatchObject({ connector: 'crm', operation: 'getCustomer', code: 'UPSTREAM_BODY_ERROR', upstreamCode: 1001, upstreamMessage: 'customer 13 is frozen: ssn 123-45-6789' });
  });

  test('both doors give the same body for a body failure', async () => {
    const query = '{ customer(id: "13") { id } other: customer(id: "1") { name } }';
    const fast = await gw.query(query);
    const yoga = await gw.query(query, undefined, { accept: 'application/graphql-response+json' });
    expect(yoga.body).toEqual(fast.body);
    expect(fast.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BODY_ERROR');
  });

  test('the breaker counts body failures: after two, the third call fails fast without reaching the upstream', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) codes.push((await gw.query('{ fragile(id: "13") { id } }')).body.errors?.[0]?.extensions?.code);
    expect(codes).toEqual(['UPSTREAM_BODY_ERROR', 'UPSTREAM_BODY_ERROR', 'CIRCUIT_OPEN']);
    expect(crm.calls.map((c) => c.rawPath)).toEqual(['/customers/13', '/customers/13']);
  });
});
