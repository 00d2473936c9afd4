import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

/** An upstream that takes its batch in a POST body: `{"ids": [...], "fields": [...], "region": ...}`. */
const PROFILES_YAML = `
baseUrl: \${PROFILES_URL}
operations:
  lookup:
    method: POST
    path: /profiles/lookup
    headers: { x-api-version: "2" }
    body:
      ids: "{keys}"
      region: "{region}"
      options: { includeDeleted: false }
    params:
      region: String
    batch:
      maxSize: 4
      keyField: profile.id
    result: data.profiles
`;

const SCHEMA = `
type Query {
  profiles(ids: [ID!]!, region: String): [Profile]
    @source(connector: "profiles", operation: "lookup", keys: "{args.ids}", params: { region: "{args.region}" })
  profile(id: ID!): Profile @source(connector: "profiles", operation: "lookup", key: "{args.id}")
}
type Profile {
  id: ID! @map(from: "profile.id")
  nickname: String @map(from: "profile.nick")
  score: Int
}
`;

let upstream: FakeUpstream;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  upstream = await startFakeUpstream((call, res) => {
    if (call.method !== 'POST' || call.url.pathname !== '/profiles/lookup') return json(res, 404, {});
    const body = JSON.parse(call.body) as { ids: unknown[] };
    // Numeric-looking ids come back as numbers and in reverse order: matching is by key, as strings.
    const profiles = body.ids
      .filter((id) => id !== 'ghost')
      .map((id) => ({ profile: { id: /^\d+$/.test(String(id)) ? Number(id) : id, nick: `nick-${String(id)}` }, score: String(id).length }))
      .reverse();
    json(res, 200, { data: { profiles } });
  });
  config = await writeConfigDir({ schemas: { 'profiles.graphql': SCHEMA }, connectors: { 'profiles.yaml': PROFILES_YAML } });
  gw = await startGateway({ configDir: config.dir, env: { PROFILES_URL: upstream.url } });
});
afterEach(() => {
  upstream.calls.length = 0;
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
  await config.remove();
});

const bodies = () => upstream.calls.map((c) => JSON.parse(c.body) as Record<string, unknown>);

describe('batches in a POST body', () => {
  test('keys go into the JSON body as an array, split at maxSize, with the other body fields kept', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'];
    const { body } = await gw.query('query ($ids: [ID!]!) { profiles(ids: $ids, region: "eu") { id nickname } }', { ids });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ profiles: ids.map((id) => ({ id, nickname: `nick-${id}` })) });
    expect(bodies()).toEqual([
      { ids: ['1', '2', '3', '4'], region: 'eu', options: { includeDeleted: false } },
      { ids: ['5', '6'], region: 'eu', options: { includeDeleted: false } },
    ]);
    expect(upstream.calls.map((c) => [c.headers['content-type'], c.headers['x-api-version']])).toEqual([
      ['application/json', '2'],
      ['application/json', '2'],
    ]);
  });

  test('root aliases share one POST; a null param is sent as null; a missing key is null with an error', async () => {
    const { body } = await gw.query('{ a: profile(id: "7") { nickname } b: profile(id: "ghost") { nickname } c: profile(id: "7") { score } }');
    expect(body.data).toEqual({ a: { nickname: 'nick-7' }, b: null, c: { score: 1 } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['b'], 'UPSTREAM_ENTITY_NOT_FOUND']]);
    expect(bodies()).toEqual([{ ids: ['7', 'ghost'], region: null, options: { includeDeleted: false } }]);
  });
});
