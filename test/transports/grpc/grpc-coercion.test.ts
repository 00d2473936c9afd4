import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, REPO_ROOT, type TestGateway } from '../../support/gateway.ts';
import { startGrpcUpstream, type GrpcUpstream } from '../../support/grpc-upstream.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/grpc');
const FIELDS = ['i32', 'i64', 'u64', 'dbl', 'flag', 'text', 'data', 'color', 'at', 'maybe', 'tags'] as const;

const SCHEMA = `
scalar Long
enum Color { COLOR_UNSPECIFIED RED GREEN }
type Query {
  echo(i32: Int, i64: String, u64: ID, dbl: Float, flag: Boolean, text: String, data: String, color: Color, at: String, maybe: Int, tags: [String!]): AllTypes
    @source(connector: "types", operation: "echo", params: { ${FIELDS.map((f) => `${f}: "{args.${f}}"`).join(', ')} })
}
type AllTypes {
  i32: Int
  i64: String
  i64AsLong: Long @map(from: "i64")
  i64AsInt: Int @map(from: "i64")
  u64: ID
  dbl: Float
  flag: Boolean
  text: String
  data: String
  color: Color
  colorName: String @map(from: "color")
  at: String
  maybe: Int
  tags: [String!]!
  inner: Inner
}
type Inner { name: String }
`;

const CONNECTOR = (address: string) => `
name: types
transport: grpc
address: ${address}
protos: types.proto
service: test.types.v1.TypesService
metadata:
  x-client: tessera
operations:
  echo:
    rpc: Echo
    request:
${FIELDS.map((f) => `      ${f}: "{${f}}"`).join('\n')}
    params:
      i32: Int
      i64: String
      u64: ID
      dbl: Float
      flag: Boolean
      text: String
      data: String
      color: String
      at: String
      maybe: Int
      tags: "[String!]"
`;

let upstream: GrpcUpstream;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  upstream = await startGrpcUpstream({ proto: path.join(FIXTURES, 'types.proto'), service: 'test.types.v1.TypesService', handlers: { Echo: (request) => request } });
  config = await writeConfigDir({
    schemas: { 'types.graphql': SCHEMA },
    connectors: {
      'types.yaml': CONNECTOR(upstream.address),
      'types.proto': readFileSync(path.join(FIXTURES, 'types.proto'), 'utf8'),
      'common.proto': readFileSync(path.join(FIXTURES, 'common.proto'), 'utf8'),
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

describe('gRPC coercion through the endpoint, both directions (a grpc-js + proto-loader upstream that echoes)', () => {
  test.for([
    { rule: 'int32', args: 'i32: -7', sent: { i32: -7 }, select: 'i32', answer: { i32: -7 } },
    { rule: 'int64 beyond 2^53 as a String field: exact', args: 'i64: "9007199254740993"', sent: { i64: '9007199254740993' }, select: 'i64', answer: { i64: '9007199254740993' } },
    { rule: 'int64 as a declared custom scalar: the exact string', args: 'i64: "-9223372036854775808"', sent: { i64: '-9223372036854775808' }, select: 'i64AsLong', answer: { i64AsLong: '-9223372036854775808' } },
    { rule: 'int64 into an Int field that can hold it', args: 'i64: "42"', sent: { i64: '42' }, select: 'i64AsInt', answer: { i64AsInt: 42 } },
    { rule: 'uint64 maximum from an ID', args: 'u64: "18446744073709551615"', sent: { u64: '18446744073709551615' }, select: 'u64', answer: { u64: '18446744073709551615' } },
    { rule: 'double', args: 'dbl: 0.1', sent: { dbl: 0.1 }, select: 'dbl', answer: { dbl: 0.1 } },
    { rule: 'bool', args: 'flag: true', sent: { flag: true }, select: 'flag', answer: { flag: true } },
    { rule: 'string', args: 'text: "héllo"', sent: { text: 'héllo' }, select: 'text', answer: { text: 'héllo' } },
    { rule: 'bytes as base64', args: 'data: "AQID"', sent: { data: 'AQID' }, select: 'data', answer: { data: 'AQID' } },
    { rule: 'enum into a GraphQL enum and a String', args: 'color: GREEN', sent: { color: 'GREEN' }, select: 'color colorName', answer: { color: 'GREEN', colorName: 'GREEN' } },
    { rule: 'Timestamp as RFC 3339', args: 'at: "2026-01-31T12:00:00.5Z"', sent: { at: { seconds: '1769860800', nanos: 500000000 } }, select: 'at', answer: { at: '2026-01-31T12:00:00.500Z' } },
    { rule: 'optional set to 0 keeps presence', args: 'maybe: 0', sent: { maybe: 0 }, select: 'maybe', answer: { maybe: 0 } },
    { rule: 'repeated', args: 'tags: ["a", "b"]', sent: { tags: ['a', 'b'] }, select: 'tags', answer: { tags: ['a', 'b'] } },
    {
      rule: 'nothing set: proto3 defaults for scalars, null for optional, message and Timestamp, [] for repeated',
      args: 'i32: null',
      sent: {},
      select: 'i32 i64 flag text data color at maybe tags inner { name }',
      answer: { i32: 0, i64: '0', flag: false, text: '', data: '', color: 'COLOR_UNSPECIFIED', at: null, maybe: null, tags: [], inner: null },
    },
  ])('$rule', async ({ args, sent, select, answer }) => {
    const { body } = await gw.query(`{ echo(${args}) { ${select} } }`);
    expect(upstream.calls.map((c) => c.request)).toEqual([sent]);
    expect(body).toEqual({ data: { echo: answer } });
  });

  test('an int64 beyond 2^31 in an Int field is a field error, not a rounded number', async () => {
    const { body } = await gw.query('{ echo(i64: "9007199254740993") { i64 i64AsInt } }');
    expect(body.data).toEqual({ echo: { i64: '9007199254740993', i64AsInt: null } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['echo', 'i64AsInt'], 'RESULT_INVALID_VALUE']]);
  });

  test('metadata: the request id, the deadline (ours and gRPC\'s), the connector\'s static entries', async () => {
    const sentAt = Date.now();
    await gw.query('{ echo(i32: 1) { i32 } }', undefined, { 'x-request-id': 'req-42', 'x-tessera-timeout-ms': '3000' });
    const [call] = upstream.calls;
    // gRPC's own deadline: no later than the request's 3 s from when it was sent.
    expect(call!.deadline).toBeLessThanOrEqual(Date.now() + 3000);
    expect(call!.deadline).toBeGreaterThan(sentAt);
    expect(call!.metadata['x-request-id']).toBe('req-42');
    expect(call!.metadata['x-client']).toBe('tessera');
    const deadlineMs = Number(call!.metadata['x-tessera-deadline-ms']);
    expect(deadlineMs).toBeGreaterThan(0);
    expect(deadlineMs).toBeLessThanOrEqual(3000);
  });
});
