import { graphql, GraphQLError, type GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BINDING_DIRECTIVES_SDL } from '../../src/blueprint/compile-schema.ts';
import { DOORS, startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

/**
 * Leaf values of every JS type in every built-in scalar and an enum, against graphql-js's own
 * serializers, with the one documented difference (blueprint/serialize-leaf.ts): truth values and
 * numbers are never turned into each other (graphql-js makes 412 a `true` and `true` a `1`).
 * Shaping answers the common case (a string for String, an in-range integer for Int, …) without
 * calling `serialize`, both in the generic walk and in compiled shapers; everything else must
 * still be coerced or refused as graphql-js does, through both doors.
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
  e: Color
  req: Int!
}

enum Color {
  RED
  GREEN
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
const VALUES: unknown[] = ['text', '', '12', '1.5', 'true', 'RED', 'PURPLE', 42, 412, 0, 1, -0, 1.5, 2147483647, 2147483648, -2147483649, 1e300, true, false, null, [1], { a: 1 }];
const THINGS = VALUES.map((value, i) => ({ id: String(i + 1), key_value: value, s: value, n: value, f: value, b: value, e: value, req: value }));
type Thing = (typeof THINGS)[number];

/** graphql-js with the gateway's one strictness added: a resolver refuses what the scalar would have converted between truth values and numbers. */
const strict =
  (field: 'n' | 'f' | 'b' | 'req', refuses: 'number' | 'boolean', message: string) =>
  (t: Thing): unknown => {
    if (typeof t[field] === refuses) throw new GraphQLError(`${message}: ${String(t[field])}`);
    return t[field];
  };

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
      Thing: {
        key: (t: Thing) => t.key_value,
        b: strict('b', 'number', 'Boolean cannot represent a non boolean value'),
        n: strict('n', 'boolean', 'Int cannot represent non-integer value'),
        req: strict('req', 'boolean', 'Int cannot represent non-integer value'),
        f: strict('f', 'boolean', 'Float cannot represent non numeric value'),
      },
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

describe('leaf serialisation: the same values and errors as graphql-js, strict between truth values and numbers', () => {
  // The first request shapes through the generic walk, later ones through compiled shapers.
  test.for([1, 2, 3].flatMap((n) => DOORS.map((door) => ({ n, door }))))('request $n through $door', async ({ door }) => {
    const query = 'query ($ids: [ID!]!) { things(ids: $ids) { id key s n f b e req } }';
    const variables = { ids: THINGS.map((t) => t.id) };
    const expected = await graphql({ schema: reference, source: query, variableValues: variables });
    const actual = await gw.queryVia(door, query, variables);
    expect(actual.status).toBe(200);
    expect(comparable(actual.body)).toEqual(comparable(expected));
    // Not vacuous: most rows are refused somewhere, and some values are coerced.
    expect(actual.body.errors!.length).toBeGreaterThan(10);
  });
});

/** One upstream value in one field: what the caller gets. The first rows are the ones graphql-js would have coerced. */
const CASES: { name: string; field: 'b' | 'n' | 'f' | 'e' | 's'; value: unknown; data?: unknown; error?: string }[] = [
  { name: 'a number on a Boolean field', field: 'b', value: 412, error: 'Boolean cannot represent a non boolean value: 412' },
  { name: 'a 1 on a Boolean field', field: 'b', value: 1, error: 'Boolean cannot represent a non boolean value: 1' },
  { name: 'true on an Int field', field: 'n', value: true, error: 'Int cannot represent non-integer value: true' },
  { name: 'false on a Float field', field: 'f', value: false, error: 'Float cannot represent non numeric value: false' },
  { name: 'a fraction on an Int field', field: 'n', value: 1.5, error: 'Int cannot represent non-integer value: 1.5' },
  { name: 'an unknown value on an enum field', field: 'e', value: 'PURPLE', error: 'Enum "Color" cannot represent value: "PURPLE"' },
  { name: 'a string on a Boolean field', field: 'b', value: 'true', error: 'Boolean cannot represent a non boolean value: "true"' },
  { name: 'a known enum value', field: 'e', value: 'GREEN', data: 'GREEN' },
  { name: 'a number on a String field (graphql-js stringifies it)', field: 's', value: 412, data: '412' },
  { name: 'a numeric string on an Int field (graphql-js parses it)', field: 'n', value: '12', data: 12 },
];

describe('a value of the wrong type is a located RESULT_INVALID_VALUE and the field is null', () => {
  let one: FakeUpstream;
  let oneGw: TestGateway;
  let oneConfig: { dir: string; remove(): Promise<void> };
  /** What the fake upstream answers for field `field` of thing "1": set by each row. */
  let answer: { field: string; value: unknown } = { field: 's', value: null };
  beforeAll(async () => {
    one = await startFakeUpstream((_call, res) => json(res, 200, { items: [{ id: '1', req: 1, [answer.field]: answer.value }] }));
    oneConfig = await writeConfigDir({ schemas: { 'things.graphql': SCHEMA }, connectors: { 'things.yaml': YAML } });
    oneGw = await startGateway({ configDir: oneConfig.dir, env: { THINGS_URL: one.url } });
  });
  afterAll(async () => {
    await oneGw.close();
    await one.close();
    await oneConfig.remove();
  });

  // Each row three times per door: the first request of a document shapes through the generic
  // walk, later ones through its compiled shaper; both must apply the same rule.
  test.for(CASES.flatMap((row) => DOORS.map((door) => ({ ...row, door }))))('$name, through $door', async ({ field, value, data, error, door }) => {
    answer = { field, value };
    const query = `{ things(ids: ["1"]) { id ${field} } }`;
    for (let i = 0; i < 3; i++) {
      const { status, body } = await oneGw.queryVia(door, query);
      expect(status).toBe(200);
      if (error === undefined) {
        expect(body).toEqual({ data: { things: [{ id: '1', [field]: data }] } });
      } else {
        expect(body).toEqual({
          data: { things: [{ id: '1', [field]: null }] },
          errors: [{ message: error, locations: [{ line: 1, column: 27 }], path: ['things', 0, field], extensions: { code: 'RESULT_INVALID_VALUE' } }],
        });
      }
    }
  });
});
