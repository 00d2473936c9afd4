import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { PEOPLE, PEOPLE_SCHEMA, PEOPLE_YAML, TICKETS } from './post-fixtures.ts';
import { locationOf } from '../support/location-of.ts';

let upstream: FakeUpstream;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  upstream = await startFakeUpstream((call, res) => {
    if (call.url.pathname === '/people') {
      const ids = (call.url.searchParams.get('ids') ?? '').split(',');
      return json(res, 200, { items: ids.flatMap((id) => (PEOPLE[id] ? [PEOPLE[id]] : [])) });
    }
    const ids = (call.url.searchParams.get('personIds') ?? '').split(',');
    json(res, 200, { items: TICKETS.filter((t) => ids.includes(t.person_id)) });
  });
  config = await writeConfigDir({ schemas: { 'people.graphql': PEOPLE_SCHEMA }, connectors: { 'people.yaml': PEOPLE_YAML } });
  gw = await startGateway({ configDir: config.dir, env: { PEOPLE_URL: upstream.url }, dev: true });
});

afterEach(() => {
  upstream.calls.length = 0;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
  await config.remove();
});

const paths = () => upstream.calls.map((c) => c.url.pathname);

describe('value directives and computed fields: normal, empty, null and edge inputs', () => {
  const fields = 'tier greeting frGreeting: greeting(lang: "fr") phone email nickname status heightCm balance balanceText joined tags upperTags';
  test.for([
    {
      id: '1',
      data: {
        tier: 'platinum',
        greeting: 'Hello Ada',
        frGreeting: 'Bonjour Ada',
        phone: '**********3456',
        email: 'a***********@example.com',
        nickname: 'countess',
        status: 'active',
        heightCm: 165.5,
        balance: 1234.56,
        balanceText: '123,456.00',
        joined: '2024-02-01 02:30',
        tags: ['*ip', '*2b'],
        upperTags: ['B2B', 'VIP'],
      },
      errors: [],
    },
    {
      id: '2',
      data: {
        tier: null,
        greeting: 'Hello Bo',
        frGreeting: 'Bonjour Bo',
        phone: null,
        email: '************',
        nickname: 'n/a',
        status: 'unknown',
        heightCm: null,
        balance: -0.05,
        balanceText: '-5.00',
        joined: null,
        tags: [],
        upperTags: [],
      },
      errors: [{ path: ['person', 'tier'], code: 'EXPR_EVALUATION_FAILED', message: "found no matching overload for '_>=_' applied to '(null_type, int)'" }],
    },
    {
      id: '3',
      data: {
        tier: 'silver',
        greeting: 'Hello Chen',
        frGreeting: 'Bonjour Chen',
        phone: '12',
        email: null,
        nickname: 'n/a',
        status: 'suspended',
        heightCm: null,
        balance: null,
        balanceText: null,
        joined: null,
        tags: null,
        upperTags: null,
      },
      errors: [],
    },
  ])('person $id', async ({ id, data, errors }) => {
    const { body } = await gw.query(`query($id: ID!) { person(id: $id) { ${fields} } }`, { id });
    expect(body.data).toEqual({ person: data });
    expect((body.errors ?? []).map((e) => ({ path: e.path, code: e.extensions?.code, message: e.message }))).toEqual(errors);
  });
});

describe('computed fields read arguments and the request context', () => {
  test.for([
    { query: '{ echo(text: "hi") }', data: { echo: 'req-7: hi' } },
    { query: 'query($n: Int) { echo(text: "hi", times: $n) }', variables: { n: 3 }, data: { echo: 'req-7: hi (x3)' } },
  ])('$query', async ({ query, variables, data }) => {
    const { body } = await gw.query(query, variables, { 'x-request-id': 'req-7' });
    expect(body).toEqual({ data });
    expect(paths()).toEqual([]);
  });
});

describe('masking holds however the field is reached', () => {
  test('through aliases, fragments, inline fragments and lists of objects', async () => {
    const { body } = await gw.query(
      `query { people(ids: ["1", "3"]) { phone p2: phone ...F ... on Person { p4: phone } urgentTickets { reporterPhone } } }
       fragment F on Person { p3: phone }`,
    );
    expect(body.errors).toBeUndefined();
    const ticketPhones = ['**********0003', '**********0001'];
    expect(body.data).toEqual({
      people: [
        { phone: '**********3456', p2: '**********3456', p3: '**********3456', p4: '**********3456', urgentTickets: ticketPhones.map((reporterPhone) => ({ reporterPhone })) },
        { phone: '12', p2: '12', p3: '12', p4: '12', urgentTickets: [] },
      ],
    });
  });

  test("a caller's filter sees the masked value, so it cannot probe the real one", async () => {
    const { body } = await gw.query(`{ person(id: "1") { tickets @transform(filter: "item.reporterPhone.startsWith('+1')") { id } masked: tickets @transform(filter: "item.reporterPhone.startsWith('*')") { id } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ person: { tickets: [], masked: [{ id: 't1' }, { id: 't2' }, { id: 't3' }, { id: 't4' }] } });
  });
});

describe('a computed field triggers exactly the fetches it needs', () => {
  test.for([
    { name: 'reads a plain field: no extra fetch', query: '{ person(id: "1") { tier } }', calls: ['/people'], data: { person: { tier: 'platinum' } } },
    { name: 'reads a bound field: fetches it although not selected', query: '{ person(id: "1") { openTicketCount } }', calls: ['/people', '/tickets'], data: { person: { openTicketCount: 3 } } },
    { name: 'not selected: the bound field is not fetched', query: '{ person(id: "1") { name } }', calls: ['/people'], data: { person: { name: 'Ada' } } },
    {
      name: 'selected too, for many parents: one batched call serves both',
      query: '{ people(ids: ["1", "3"]) { openTicketCount tickets { id } } }',
      calls: ['/people', '/tickets'],
      data: { people: [{ openTicketCount: 3, tickets: [{ id: 't1' }, { id: 't2' }, { id: 't3' }, { id: 't4' }] }, { openTicketCount: 0, tickets: [{ id: 't5' }] }] },
    },
  ])('$name', async ({ query, calls, data }) => {
    const { body } = await gw.query(query);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(data);
    expect(paths()).toEqual(calls);
  });
});

describe('list transforms', () => {
  test('operator @transform: filter, sort descending, top-N on a connector-bound list', async () => {
    const { body } = await gw.query('{ person(id: "1") { urgentTickets { id createdAt } } }');
    expect(body.data).toEqual({ person: { urgentTickets: [{ id: 't3', createdAt: '2024-03-03T00:00:00Z' }, { id: 't1', createdAt: '2024-03-01T00:00:00Z' }] } });
  });

  test.for([
    { args: 'filter: "item.status == \'open\'"', ids: ['t1', 't3', 't4'] },
    { args: 'sortBy: "item.createdAt"', ids: ['t4', 't1', 't2', 't3'] },
    { args: 'sortBy: "item.subject", descending: true, limit: 2', ids: ['t1', 't3'] },
    { args: 'limit: 0', ids: [] },
    { args: 'filter: "item.status == \'none\'", limit: 5', ids: [] },
    { args: 'filter: "item.subject in [\'Refund\', \'Login\'] && size(item.subject) > 5"', ids: ['t1'] },
  ])('caller @transform($args)', async ({ args, ids }) => {
    const { body } = await gw.query(`{ person(id: "1") { tickets @transform(${args}) { id } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ person: { tickets: ids.map((id) => ({ id })) } });
  });

  test('caller @transform on a list of scalars (after the operator map)', async () => {
    const { body } = await gw.query('{ person(id: "1") { upperTags @transform(filter: "item.startsWith(\'V\')") } }');
    expect(body.data).toEqual({ person: { upperTags: ['VIP'] } });
  });
});

describe('caller expressions: BAD_EXPRESSION with the position in the expression', () => {
  test.for([
    { name: 'syntax', args: 'filter: "item.status =="', reason: 'EXPR_SYNTAX', argument: 'filter', position: { line: 1, column: 13 } },
    { name: 'unknown field', args: 'sortBy: "item.colour"', reason: 'EXPR_UNKNOWN_REFERENCE', argument: 'sortBy', position: { line: 1, column: 5 } },
    { name: 'constructor', args: 'filter: "item.constructor == 1"', reason: 'EXPR_UNKNOWN_REFERENCE', argument: 'filter', position: { line: 1, column: 5 } },
    { name: '__proto__ by index', args: 'filter: "item[\'__proto__\'] == 1"', reason: 'EXPR_UNKNOWN_REFERENCE', argument: 'filter', position: { line: 1, column: 5 } },
    { name: 'a process global', args: 'filter: "process.exit(1)"', reason: 'EXPR_UNKNOWN_REFERENCE', argument: 'filter', position: { line: 1, column: 1 } },
    { name: 'regex', args: 'filter: "item.subject.matches(\'(a+)+$\')"', reason: 'EXPR_FORBIDDEN', argument: 'filter', position: { line: 1, column: 13 } },
    { name: 'nested loops', args: 'filter: "[1,2].all(a, [1,2].all(b, a == b))"', reason: 'EXPR_TOO_COMPLEX', argument: 'filter', position: { line: 1, column: 19 } },
    { name: 'filter that is never a bool', args: 'filter: "item.subject.size() + 1"', reason: 'EXPR_TYPE_MISMATCH', argument: 'filter', position: { line: 1, column: 20 } },
    { name: 'too long', args: `filter: "${'item.id == \'x\' || '.repeat(40)}true"`, reason: 'EXPR_TOO_COMPLEX', argument: 'filter', position: { line: 1, column: 501 } },
    { name: 'deep nesting', args: `filter: "${'['.repeat(30)}1${']'.repeat(30)} == []"`, reason: 'EXPR_TOO_COMPLEX', argument: 'filter', position: { line: 1, column: 16 } },
  ])('$name → $reason', async ({ args, reason, argument, position }) => {
    const { status, body } = await gw.query(`{ person(id: "1") { tickets @transform(${args}) { id } } }`);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({ code: 'BAD_EXPRESSION', reason, argument, position });
    expect(body.errors![0]!.message.startsWith(`${argument}: expected`)).toBe(true);
    expect(paths()).toEqual([]);
  });

  test('a filter that fails on the data nulls only its field, with the error at its path', async () => {
    const query = '{ person(id: "1") { name tickets @transform(filter: "item.priority > 3") { id } } }';
    const { body } = await gw.query(query);
    expect(body.data).toEqual({ person: null });
    expect(body.errors).toEqual([
      {
        message: "filter: found no matching overload for '_>_' applied to '(string, int)'",
        locations: locationOf(query, 'tickets'),
        path: ['person', 'tickets'],
        extensions: { code: 'BAD_EXPRESSION', reason: 'EXPR_EVALUATION_FAILED', argument: 'filter', position: { line: 1, column: 15 } },
      },
    ]);
  });

  test.for([
    { name: 'a list over the caller limit', filter: "item.tags.exists(t, t == 'tag1')", message: 'filter: expected input lists of at most 100 items; got 500' },
    { name: 'a string over the caller limit', filter: "item.name.startsWith('x')", message: 'filter: expected input strings of at most 4096 characters; got 10000' },
  ])('huge inputs are refused by their size, before any work on them: $name', async ({ filter, message }) => {
    const { body } = await gw.query(`{ people(ids: ["5"]) @transform(filter: "${filter}") { id } }`);
    expect(body.data).toEqual({ people: null });
    expect(body.errors?.map((e) => ({ message: e.message, path: e.path, reason: e.extensions?.reason }))).toEqual([{ message, path: ['people'], reason: 'EXPR_LIMIT_EXCEEDED' }]);
  });

  test('the work on one list is bounded: items × estimated cost per item', async () => {
    const cheap = await gw.query('{ person(id: "4") { tickets @transform(filter: "item.status == \'open\'") { id } } }');
    expect((cheap.body.data!.person as { tickets: unknown[] }).tickets).toHaveLength(150);
    const costly = "item.subject.split(' ').exists(w, w == 'x') || item.subject.split(' ').exists(w, w == 'y')";
    const { body } = await gw.query(`{ person(id: "4") { name tickets @transform(filter: "${costly}") { id } } }`);
    expect(body.data).toEqual({ person: null });
    expect(body.errors?.map((e) => ({ path: e.path, extensions: e.extensions }))).toEqual([
      { path: ['person', 'tickets'], extensions: { code: 'BAD_EXPRESSION', reason: 'EXPR_LIMIT_EXCEEDED', argument: 'filter' } },
    ]);
  });

  test.for([
    { name: 'on a field that is not a list', query: '{ person(id: "1") { name @transform(limit: 1) } }', reason: 'EXPR_TYPE_MISMATCH' },
    { name: 'expression passed as a variable', query: 'query($f: String) { person(id: "1") { tickets @transform(filter: $f) { id } } }', reason: 'EXPR_FORBIDDEN' },
    { name: 'negative limit', query: '{ person(id: "1") { tickets @transform(limit: -1) { id } } }', reason: 'EXPR_LIMIT_EXCEEDED' },
  ])('$name → BAD_EXPRESSION ($reason)', async ({ query, reason }) => {
    const { body } = await gw.query(query, { f: 'true' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_EXPRESSION', reason });
  });
});

describe('explain shows which transforms run where', () => {
  test('the plan lists operator and caller transforms and the fetch that only feeds a computed field', async () => {
    const { body } = await gw.query('{ person(id: "1") { phone openTicketCount tickets @transform(limit: 1) { id } } }', undefined, { 'x-tessera-explain': '1' });
    const plan = (body.extensions as { tessera: { plan: { transforms: unknown; stages: { fetches: { field: string; neededBy?: string }[] }[] } } }).tessera.plan;
    expect(plan.transforms).toEqual([
      { path: 'person.phone', field: 'Person.phone', by: 'operator', steps: ['mask(keepLast: 4)'] },
      { path: 'person.openTicketCount', field: 'Person.openTicketCount', by: 'operator', steps: ["computed(parent.tickets.filter(t, t.status == 'open').size())"] },
      { path: 'person.tickets', field: 'Person.tickets', by: 'caller', steps: ['@transform(limit: 1)'] },
    ]);
    // Tickets are keyed by the person's id, the key people are fetched by: they go out with the person.
    expect(plan.stages.map((stage) => stage.fetches.map((f) => ({ field: f.field, neededBy: f.neededBy })))).toEqual([
      [
        { field: 'Query.person', neededBy: undefined },
        { field: 'Person.tickets', neededBy: 'Person.openTicketCount at person.openTicketCount' },
        { field: 'Person.tickets', neededBy: undefined },
      ],
    ]);
  });
});

describe('post-processing over cached answers', () => {
  test('every directive and caller transform gives the same answer from a frozen cached body, request after request', async () => {
    const cachedYaml = PEOPLE_YAML.replaceAll('    result: items\n', '    result: items\n    cache: { ttlMs: 60000 }\n');
    const cachedConfig = await writeConfigDir({ schemas: { 'people.graphql': PEOPLE_SCHEMA }, connectors: { 'people.yaml': cachedYaml } });
    const cached = await startGateway({ configDir: cachedConfig.dir, env: { PEOPLE_URL: upstream.url } });
    try {
      const query = `{ people(ids: ["1", "2", "3"]) { tier phone email status balance joined tags upperTags openTicketCount
        urgentTickets { id reporterPhone } tickets @transform(sortBy: "item.createdAt", descending: true, limit: 2) { id subject } } }`;
      const expected = (await gw.query(query)).body;
      // Person 2's bad inputs give field errors; they too must be the same from the cache.
      expect(expected.errors?.map((e) => e.extensions?.code)).toEqual(['EXPR_EVALUATION_FAILED']);
      upstream.calls.length = 0;
      for (let i = 0; i < 3; i++) expect((await cached.query(query)).body).toEqual(expected);
      expect(paths()).toEqual(['/people', '/tickets']); // later requests were answered by the cache
    } finally {
      await cached.close();
      await cachedConfig.remove();
    }
  });
});
