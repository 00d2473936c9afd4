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
});

const calls = () => dir.upstream.calls.map((c) => `${c.method} ${c.rawPath}`);

const SEARCH = `{
  search(q: "all") {
    __typename
    ... on Party { id }
    ...P
    ... on Company { name ceo { name } }
    ... on Tag { label }
  }
}
fragment P on Person { name employer { name } }`;

describe('interfaces and unions: each item becomes the type its discriminator names', () => {
  test('fragments on each concrete type, a fragment on the interface, __typename; fields below fetch per type in one batch', async () => {
    // Shaped three times: the third answer comes from compiled shapers and a cached plan.
    for (let round = 0; round < 3; round++) {
      dir.upstream.calls.length = 0;
      const { body } = await dir.gateway.query(SEARCH);
      expect(body).toEqual({
        data: {
          search: [
            { __typename: 'Person', id: 'p1', name: 'Ada', employer: { name: 'Acme' } },
            { __typename: 'Person', id: 'p2', name: 'Grace', employer: { name: 'Globex' } },
            { __typename: 'Company', id: 'c3', name: 'Initech', ceo: { name: 'Grace' } },
            { __typename: 'Tag', label: 'vip' },
          ],
        },
      });
      expect(calls().sort()).toEqual(['GET /companies?ids=c1%2Cc2', 'GET /people?ids=p2', 'GET /search?q=all']);
    }
  });

  test('fields of the interface selected directly, and a type condition below a list of the interface', async () => {
    const { body } = await dir.gateway.query('{ parties(ids: ["c1", "p1", "p9"]) { __typename id name ... on Person { employer { id } } } }');
    expect(body).toEqual({
      data: {
        parties: [
          { __typename: 'Company', id: 'c1', name: 'Acme' },
          { __typename: 'Person', id: 'p1', name: 'Ada', employer: { id: 'c1' } },
          { __typename: 'Person', id: 'p9', name: 'Linus', employer: null },
        ],
      },
    });
    // p9 has no employer: only p1's is asked for. The parties' upstream is asked for the fields
    // of every concrete type's selection, the batch key and the discriminator.
    expect(calls()).toEqual(['GET /parties?ids=c1%2Cp1%2Cp9&fields=employer_id%2Cid%2Ckind%2Cname', 'GET /companies?ids=c1']);
  });

  test.for([
    {
      name: 'a nullable item: that item is null',
      query: '{ parties(ids: ["p1", "x1"]) { id } }',
      data: { parties: [{ id: 'p1' }, null] },
      path: ['parties', 1],
      at: 'parties',
      message: 'The upstream item has no type of Party for its "kind" value "robot"; expected one of "person", "company".',
    },
    {
      name: 'a non-null item: the null reaches the nullable list',
      query: '{ search(q: "robots") { __typename } }',
      data: { search: null },
      path: ['search', 1],
      at: 'search',
      message: 'The upstream item has no type of SearchHit for its "kind" value "robot"; expected one of "person", "company", "tag".',
    },
  ])('an unknown discriminator value is a located error; $name', async ({ query, data, path, at, message }) => {
    const { body } = await dir.gateway.query(query);
    expect(body).toEqual({ data, errors: [{ message, locations: locationOf(query, at), path, extensions: { code: 'RESULT_UNKNOWN_TYPE' } }] });
  });

  test('explain shows which type each fetch below an abstract field is for', async () => {
    const { body } = await dir.gateway.query(SEARCH, undefined, { 'x-tessera-explain': '1' });
    const plan = (body.extensions as { tessera: { plan: { stages: { fetches: { operation: string; path: string; typeCondition?: string }[] }[] } } }).tessera.plan;
    expect(plan.stages.map((s) => s.fetches.map((f) => `${f.operation} at ${f.path}${f.typeCondition ? ` for ${f.typeCondition}` : ''}`))).toEqual([
      ['directory.search at search'],
      ['directory.getCompanies at search(on Person).employer for Person', 'directory.getPeople at search(on Company).ceo for Company'],
    ]);
  });
});
