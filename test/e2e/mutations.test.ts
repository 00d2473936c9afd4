import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startDirectory, type Directory } from './directory-fixtures.ts';
import { locationOf } from '../support/location-of.ts';

let dir: Directory;
beforeAll(async () => {
  dir = await startDirectory();
});
afterAll(async () => {
  await dir?.close();
});
beforeEach(() => {
  dir.upstream.calls.length = 0;
  dir.events.length = 0;
});

const calls = () => dir.upstream.calls.map((c) => `${c.method} ${c.rawPath}`);

describe('mutations: root fields run one after another, each call made once', () => {
  test('the second root field starts only after the first, and everything below it, has answered', async () => {
    dir.hold('held');
    const query = `mutation {
      a: createPerson(input: { name: "held", employerId: "c1" }) { id name employer { name } }
      b: createPerson(input: { name: "second" }) { id name }
    }`;
    const response = dir.gateway.query(query);
    await dir.arrived('held');
    // While the first call is held, a separate request reaches the same upstream: had the second
    // mutation been sent alongside the first, it would have arrived before this one.
    expect((await dir.gateway.query('{ person(id: "p9") { name } }')).body).toEqual({ data: { person: { name: 'Linus' } } });
    dir.release('held');
    const { body } = await response;
    expect(body).toEqual({
      data: { a: { id: 'new-held', name: 'held', employer: { name: 'Acme' } }, b: { id: 'new-second', name: 'second' } },
    });
    expect(dir.events).toEqual([
      'start POST /people',
      'start GET /people?ids=p9',
      'end GET /people?ids=p9',
      'end POST /people',
      'start GET /companies?ids=c1',
      'end GET /companies?ids=c1',
      'start POST /people',
      'end POST /people',
    ]);
  });

  test('arguments, input objects included, fill the body template', async () => {
    await dir.gateway.query('mutation ($input: PersonInput!) { createPerson(input: $input) { id } }', { input: { name: 'Edsger', employerId: 'c2' } });
    expect(dir.upstream.calls.map((c) => ({ method: c.method, path: c.rawPath, body: JSON.parse(c.body) as unknown, type: c.headers['content-type'] }))).toEqual([
      { method: 'POST', path: '/people', body: { person: { name: 'Edsger', employerId: 'c2' }, source: 'tessera' }, type: 'application/json' },
    ]);
  });

  test('two identical mutation fields are two calls, never de-duplicated', async () => {
    const { body } = await dir.gateway.query('mutation { a: createPerson(input: { name: "twin" }) { id } b: createPerson(input: { name: "twin" }) { id } }');
    expect(body).toEqual({ data: { a: { id: 'new-twin' }, b: { id: 'new-twin' } } });
    expect(calls()).toEqual(['POST /people', 'POST /people']);
    expect(dir.upstream.calls.map((c) => c.body)).toEqual([dir.upstream.calls[0]!.body, dir.upstream.calls[0]!.body]);
  });

  test.for([
    { name: 'POST', query: 'mutation { a: createPerson(input: { name: "fail" }) { id } b: createPerson(input: { name: "after" }) { id } }', at: 'a: createPerson', first: 'POST /people' },
    // HTTP calls PUT idempotent; a mutation is retried only when its operation says so.
    { name: 'PUT', query: 'mutation { a: renamePerson(id: "down", name: "x") { id } b: createPerson(input: { name: "after" }) { id } }', at: 'a: renamePerson', first: 'PUT /people/down' },
  ])('a failed $name is not retried, is located at its field, and the next field still runs', async ({ query, at, first }) => {
    const { body } = await dir.gateway.query(query);
    expect(body).toEqual({
      data: { a: null, b: { id: 'new-after' } },
      errors: [{ message: expect.stringContaining('503') as unknown, locations: locationOf(query, at), path: ['a'], extensions: expect.objectContaining({ code: 'UPSTREAM_HTTP_ERROR' }) as unknown }],
    });
    expect(calls()).toEqual([first, 'POST /people']);
  });

  test('an operation declared idempotent: true is retried', async () => {
    const { body } = await dir.gateway.query('mutation { tag(label: "flaky") { label } }', undefined, { 'x-tessera-explain': '1' });
    expect(body.data).toEqual({ tag: { label: 'flaky' } });
    expect(calls()).toEqual(['PUT /tags/flaky', 'PUT /tags/flaky']);
    expect((body.extensions as { tessera: { upstreamCalls: unknown } }).tessera.upstreamCalls).toEqual({ 'directory.putTag': { calls: 1, batchSizes: [], failures: 0, retries: 1, cacheHits: 0 } });
  });

  test('a non-null mutation field that fails nulls data and stops the fields after it, as graphql-js does', async () => {
    const query = 'mutation { a: createPerson(input: { name: "first" }) { id } gone: deletePerson(id: "down") c: createPerson(input: { name: "never" }) { id } }';
    const { body } = await dir.gateway.query(query);
    expect(body).toEqual({
      data: null,
      errors: [{ message: expect.stringContaining('503') as unknown, locations: locationOf(query, 'gone: deletePerson'), path: ['gone'], extensions: expect.objectContaining({ code: 'UPSTREAM_HTTP_ERROR' }) as unknown }],
    });
    expect(calls()).toEqual(['POST /people', 'DELETE /people/down']);
  });

  test('the answer is shaped like a query answer: aliases, fragments, __typename, a scalar result path', async () => {
    const { body } = await dir.gateway.query('mutation M { __typename ok: deletePerson(id: "p1") renamed: renamePerson(id: "p2", name: "G") { ...P } } fragment P on Person { __typename id n: name }');
    expect(body).toEqual({ data: { __typename: 'Mutation', ok: true, renamed: { __typename: 'Person', id: 'p2', n: 'G' } } });
  });

  test('explain shows each root field after the one before', async () => {
    const { body } = await dir.gateway.query('mutation { a: createPerson(input: { name: "x", employerId: "c1" }) { employer { name } } b: deletePerson(id: "p1") }', undefined, { 'x-tessera-explain': '1' });
    const plan = (body.extensions as { tessera: { plan: { operationType: string; stages: { stage: number; fetches: { id: number; stage: number; operation: string; serialAfter?: number; mutation?: boolean }[] }[] } } }).tessera.plan;
    expect(plan.operationType).toBe('mutation');
    expect(plan.stages.map((s) => s.fetches.map((f) => `${f.stage}:#${f.id} ${f.operation}${f.mutation ? ' mutation' : ''}${f.serialAfter ? ` after #${f.serialAfter}` : ''}`))).toEqual([
      ['1:#1 directory.createPerson mutation'],
      ['2:#2 directory.getCompanies'],
      ['3:#3 directory.deletePerson mutation after #1'],
    ]);
  });
});

describe('mutations over HTTP', () => {
  test('a mutation sent with GET is refused with 405 and calls nothing', async () => {
    const url = `${dir.gateway.url}/graphql?query=${encodeURIComponent('mutation { deletePerson(id: "p1") }')}`;
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(calls()).toEqual([]);
  });
});
