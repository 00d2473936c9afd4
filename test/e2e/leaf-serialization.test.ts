import { graphql, type GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BINDING_DIRECTIVES_SDL } from '../../src/blueprint/compile-schema.ts';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

/**
 * Leaf values of every JS type in every built-in scalar, against graphql-js's own serializers.
 * Shaping answers the common case (a string for String, an in-range integer for Int, …) without
 * calling `serialize`, both in the generic walk and in compiled shapers; everything else must
 * still be coerced or refused exactly as graphql-js does.
 */
const SCHEMA = `
type Query {
  things(ids: [ID!]!): [Thing] @source(connector: "things", operation: "getThings", keys: "{args.ids}")
}

type Thing {
  id: ID!
  key: ID @map(from: "key_value")
  s: String
  n: Int
  f: Float
  b: Boolean
  req: Int!
}
`;

const YAML = `
baseUrl: \${THINGS_URL}
operations:
  getThings:
    path: /things
    query:
      ids: "{keys}"
    batch:
      maxSize: 50
      keyField: id
    result: items
`;

/** One row per value: the same value in every field, so each scalar sees each JS type. */
const VALUES: unknown[] = ['text', '', '12', '1.5', 'true', 42, 0, -0, 1.5, 2147483647, 2147483648, -2147483649, 1e300, true, false, null, [1], { a: 1 }];
const THINGS = VALUES.map((value, i) => ({ id: String(i + 1), key_value: value, s: value, n: value, f: value, b: value, req: value }));

let upstream: FakeUpstream;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };
let reference: GraphQLSchema;

beforeAll(async () => {
  upstream = await startFakeUpstream((call, res) => {
    const ids = (call.url.searchParams.get('ids') ?? '').split(',');
    json(res, 200, { items: THINGS.filter((t) => ids.includes(t.id)) });
  });
  config = await writeConfigDir({ schemas: { 'things.graphql': SCHEMA }, connectors: { 'things.yaml': YAML } });
  gw = await startGateway({ configDir: config.dir, env: { THINGS_URL: upstream.url } });
  reference = makeExecutableSchema({
    typeDefs: [BINDING_DIRECTIVES_SDL, SCHEMA],
    resolvers: {
      Query: { things: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => THINGS.find((t) => t.id === id)) },
      Thing: { key: (t: (typeof THINGS)[number]) => t.key_value },
    },
  });
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
  await config.remove();
});

/** Data, and errors as (path, message): codes differ by design (graphql-js has none). */
function comparable(body: { data?: unknown; errors?: readonly { path?: readonly (string | number)[]; message: string }[] }) {
  return { data: JSON.stringify(body.data), errors: (body.errors ?? []).map((e) => JSON.stringify([e.path, e.message])).sort() };
}

describe('leaf serialisation: the same values and errors as graphql-js', () => {
  // The first request shapes through the generic walk, later ones through compiled shapers.
  test.for([1, 2, 3])('request %i', async () => {
    const query = 'query ($ids: [ID!]!) { things(ids: $ids) { id key s n f b req } }';
    const variables = { ids: THINGS.map((t) => t.id) };
    const expected = await graphql({ schema: reference, source: query, variableValues: variables });
    const actual = await gw.query(query, variables);
    expect(actual.status).toBe(200);
    expect(comparable(actual.body)).toEqual(comparable(expected));
    // Not vacuous: most rows are refused somewhere, and some values are coerced.
    expect(actual.body.errors!.length).toBeGreaterThan(10);
  });
});
