import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, REPO_ROOT, type TestGateway } from '../../support/gateway.ts';
import { startThriftUpstream, type ThriftUpstream } from '../../support/thrift-upstream.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/thrift');
const ARGS = ['name', 'color', 'micros', 'currency', 'tags', 'sizes', 'hits', 'label', 'blob', 'big', 'flag', 'ratio', 'tiny', 'small', 'plain'] as const;

const SCHEMA = `
scalar Long
scalar Map
enum Color { RED GREEN BLUE }
type Query {
  echo(id: ID!, name: String, color: Color, micros: String, currency: String, tags: [String!], sizes: [Int!], hits: String, label: String,
       blob: String, big: String, flag: Boolean, ratio: Float, tiny: Int, small: Int, plain: Int): Item
    @source(connector: "types", operation: "echo", params: { id: "{args.id}", ${ARGS.map((f) => `${f}: "{args.${f}}"`).join(', ')} })
}
type Item {
  id: ID!
  name: String
  color: Color
  colorName: String @map(from: "color")
  price: Money
  tags: [String!]
  sizes: [Int!]
  counters: Map
  labels: Map
  blob: String
  big: String
  bigAsLong: Long @map(from: "big")
  bigAsInt: Int @map(from: "big")
  flag: Boolean
  ratio: Float
  tiny: Int
  small: Int
  plain: Int
}
type Money { micros: String currency: String }
`;

const CONNECTOR = (address: string) => `
name: types
transport: thrift
address: ${address}
idl: types.thrift
service: TypesService
operations:
  echo:
    rpc: echo
    request:
      item:
        id: "{id}"
        name: "{name}"
        color: "{color}"
        price: { micros: "{micros}", currency: "{currency}" }
        tags: "{tags}"
        sizes: "{sizes}"
        counters: { hits: "{hits}" }
        labels: { "7": "{label}" }
        blob: "{blob}"
        big: "{big}"
        flag: "{flag}"
        ratio: "{ratio}"
        tiny: "{tiny}"
        small: "{small}"
        plain: "{plain}"
    params:
      id: ID
      name: String
      color: String
      micros: String
      currency: String
      tags: "[String!]"
      sizes: "[Int!]"
      hits: String
      label: String
      blob: String
      big: String
      flag: Boolean
      ratio: Float
      tiny: Int
      small: Int
      plain: Int
`;

let upstream: ThriftUpstream;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  upstream = await startThriftUpstream({ idl: path.join(FIXTURES, 'types.thrift'), service: 'TypesService', handlers: { echo: (args) => args.item } });
  config = await writeConfigDir({
    schemas: { 'types.graphql': SCHEMA },
    connectors: {
      'types.yaml': CONNECTOR(upstream.address),
      'types.thrift': readFileSync(path.join(FIXTURES, 'types.thrift'), 'utf8'),
      'common.thrift': readFileSync(path.join(FIXTURES, 'common.thrift'), 'utf8'),
    },
  });
  gw = await startGateway({ configDir: config.dir });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await config?.remove();
});

beforeEach(() => {
  upstream.calls.length = 0;
});

/**
 * Each row: GraphQL arguments in, what the upstream read (by its own reader: i64 as bigint,
 * binary as Buffer, enums as numbers), and what comes back into fields. The upstream echoes.
 */
describe('Thrift coercion through the endpoint, both directions (a thrift-package server that echoes)', () => {
  test.for([
    { rule: 'i64 beyond 2^53 as a String field: exact both ways', args: 'big: "9007199254740993"', sent: { big: 9_007_199_254_740_993n }, select: 'big', answer: { big: '9007199254740993' } },
    { rule: 'i64 minimum as a declared custom scalar', args: 'big: "-9223372036854775808"', sent: { big: -(2n ** 63n) }, select: 'bigAsLong', answer: { bigAsLong: '-9223372036854775808' } },
    { rule: 'i64 into an Int field that can hold it', args: 'big: "42"', sent: { big: 42n }, select: 'bigAsInt', answer: { bigAsInt: 42 } },
    { rule: 'i32', args: 'plain: -7', sent: { plain: -7 }, select: 'plain', answer: { plain: -7 } },
    { rule: 'byte and i16 at their limits', args: 'tiny: -128, small: 32767', sent: { tiny: -128, small: 32_767 }, select: 'tiny small', answer: { tiny: -128, small: 32_767 } },
    { rule: 'double', args: 'ratio: 0.1', sent: { ratio: 0.1 }, select: 'ratio', answer: { ratio: 0.1 } },
    { rule: 'bool', args: 'flag: false', sent: { flag: false }, select: 'flag', answer: { flag: false } },
    { rule: 'string', args: 'name: "héllo"', sent: { name: 'héllo' }, select: 'name', answer: { name: 'héllo' } },
    { rule: 'binary as base64', args: 'blob: "AQID"', sent: { blob: Buffer.from([1, 2, 3]) }, select: 'blob', answer: { blob: 'AQID' } },
    { rule: 'enum by name into a GraphQL enum and a String, its number on the wire', args: 'color: BLUE', sent: { color: 5 }, select: 'color colorName', answer: { color: 'BLUE', colorName: 'BLUE' } },
    { rule: 'struct from an included file, with an i64 inside', args: 'micros: "12345678901234567", currency: "USD"', sent: { price: { micros: 12_345_678_901_234_567n, currency: 'USD' } }, select: 'price { micros currency }', answer: { price: { micros: '12345678901234567', currency: 'USD' } } },
    { rule: 'an unset field with an IDL default reads as the default', args: 'micros: "1"', sent: { price: { micros: 1n } }, select: 'price { micros currency }', answer: { price: { micros: '1', currency: 'EUR' } } },
    { rule: 'list', args: 'tags: ["a", "b", "a"]', sent: { tags: ['a', 'b', 'a'] }, select: 'tags', answer: { tags: ['a', 'b', 'a'] } },
    { rule: 'set: each value once', args: 'sizes: [3, 1, 3]', sent: { sizes: [3, 1] }, select: 'sizes', answer: { sizes: [3, 1] } },
    { rule: 'map<string, i64>: values exact', args: 'hits: "9007199254740993"', sent: { counters: { hits: 9_007_199_254_740_993n } }, select: 'counters', answer: { counters: { hits: '9007199254740993' } } },
    { rule: 'map<i32, string>: a mapping key is read as the key type', args: 'label: "seven"', sent: { labels: { '7': 'seven' } }, select: 'labels', answer: { labels: { '7': 'seven' } } },
    {
      rule: 'nothing set: optional fields absent (null), a default-requiredness field with a default reads as it',
      args: '',
      sent: {},
      select: 'name color price { micros } tags sizes counters blob big flag ratio plain',
      answer: { name: null, color: null, price: null, tags: null, sizes: null, counters: null, blob: null, big: null, flag: null, ratio: null, plain: 7 },
    },
  ])('$rule', async ({ args, sent, select, answer }) => {
    const { body } = await gw.query(`{ echo(id: "x1"${args ? `, ${args}` : ''}) { id ${select} } }`);
    // A mapping of the template whose values all come out null (price, counters, labels) is not sent.
    expect(upstream.calls.map((c) => c.args)).toEqual([{ item: { id: 'x1', ...sent } }]);
    expect(body).toEqual({ data: { echo: { id: 'x1', ...answer } } });
  });

  test('an i64 beyond 2^31 in an Int field is a field error, not a rounded number', async () => {
    const { body } = await gw.query('{ echo(id: "x1", big: "9007199254740993") { big bigAsInt } }');
    expect(body.data).toEqual({ echo: { big: '9007199254740993', bigAsInt: null } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['echo', 'bigAsInt'], 'RESULT_INVALID_VALUE']]);
  });

  test.for([
    { name: 'an i64 that is not a decimal integer', args: 'big: "12.5"', message: 'Cannot call types.echo: request field echo_args.item.big: expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (i64); got "12.5".' },
    { name: 'an i64 past 2^63', args: 'big: "9223372036854775808"', message: 'Cannot call types.echo: request field echo_args.item.big: expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (i64); got "9223372036854775808".' },
    { name: 'a byte out of range', args: 'tiny: 300', message: 'Cannot call types.echo: request field echo_args.item.tiny: expected an integer from -128 to 127 (byte); got 300.' },
    { name: 'binary that is not base64', args: 'blob: "not base64!"', message: 'Cannot call types.echo: request field echo_args.item.blob: expected base64 text (binary); got "not base64!".' },
  ])('refused before any call: $name → REQUEST_INVALID on the field', async ({ args, message }) => {
    const { body } = await gw.query(`{ echo(id: "x1", ${args}) { id } }`);
    expect(upstream.calls).toEqual([]);
    expect(body.data).toEqual({ echo: null });
    expect(body.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([[message, 'REQUEST_INVALID']]);
  });
});
