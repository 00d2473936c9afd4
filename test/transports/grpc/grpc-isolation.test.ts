import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DOORS, startGateway, writeConfigDir, REPO_ROOT, type TestGateway } from '../../support/gateway.ts';
import { startGrpcUpstream, type GrpcUpstream } from '../../support/grpc-upstream.ts';
import { locationOf } from '../../support/location-of.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/grpc');
const MARK = 'x-tessera-traffic';

const SCHEMA = `
type Query {
  items(ids: [ID!]!): [Item] @source(connector: "types", operation: "getItems", keys: "{args.ids}")
  forwarded(ids: [ID!]!): [Item] @source(connector: "forwarded", operation: "getItems", keys: "{args.ids}")
  guarded(ids: [ID!]!): [Item] @source(connector: "guarded", operation: "getItems", keys: "{args.ids}")
}
type Item { id: ID! name: String }
`;

/** The same service three times: shadowed, forwarded to production with the mark, and declaring nothing. */
const CONNECTOR = (name: string, address: string, extra: string) => `
name: ${name}
transport: grpc
address: ${address}
protos: types.proto
service: test.types.v1.TypesService
${extra}
operations:
  getItems:
    rpc: GetItems
    request:
      ids: "{keys}"
    batch: { maxSize: 10, keyField: id }
    result: items
`;

let production: GrpcUpstream;
let shadow: GrpcUpstream;
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };

const items = (prefix: string) => (request: Record<string, unknown>) => ({ items: (request.ids as string[]).map((id) => ({ id, name: `${prefix}item ${id}` })) });

beforeAll(async () => {
  const proto = path.join(FIXTURES, 'types.proto');
  production = await startGrpcUpstream({ proto, service: 'test.types.v1.TypesService', handlers: { GetItems: items('') } });
  shadow = await startGrpcUpstream({ proto, service: 'test.types.v1.TypesService', handlers: { GetItems: items('Shadow ') } });
  config = await writeConfigDir({
    schemas: { 'types.graphql': SCHEMA },
    connectors: {
      'types.yaml': CONNECTOR('types', production.address, `shadow:\n  address: ${shadow.address}`),
      'forwarded.yaml': CONNECTOR('forwarded', production.address, 'isolation: forward'),
      'guarded.yaml': CONNECTOR('guarded', production.address, ''),
      'types.proto': readFileSync(proto, 'utf8'),
      'common.proto': readFileSync(path.join(FIXTURES, 'common.proto'), 'utf8'),
    },
  });
  gw = await startGateway({ configDir: config.dir });
});

afterAll(async () => {
  await gw?.close();
  await production?.close();
  await shadow?.close();
  await config?.remove();
});

beforeEach(() => {
  production.calls.length = 0;
  shadow.calls.length = 0;
});

describe.each(DOORS)('gRPC connectors and marked traffic (%s door)', (door) => {
  test('a marked call goes to the shadow address, with the mark in its metadata; production is not called', async () => {
    const { body } = await gw.queryVia(door, '{ items(ids: ["1", "2"]) { id name } }', undefined, { [MARK]: 'stress' });
    expect(body).toEqual({ data: { items: [{ id: '1', name: 'Shadow item 1' }, { id: '2', name: 'Shadow item 2' }] } });
    expect(production.calls).toHaveLength(0);
    expect(shadow.calls.map((c) => [c.request.ids, c.metadata[MARK]])).toEqual([[['1', '2'], 'stress']]);
  });

  test('isolation: forward calls production with the mark in the metadata; an unmarked call carries none', async () => {
    await gw.queryVia(door, '{ forwarded(ids: ["3"]) { id } }', undefined, { [MARK]: 'preview' });
    await gw.queryVia(door, '{ items(ids: ["4"]) { name } }');
    expect(production.calls.map((c) => [c.request.ids, c.metadata[MARK]])).toEqual([
      [['3'], 'preview'],
      [['4'], undefined],
    ]);
    expect(shadow.calls).toHaveLength(0);
  });

  test('a method that is not idempotent, on a connector that declares nothing, fails closed for marked traffic', async () => {
    const query = '{ guarded(ids: ["5"]) { id } }';
    const { body } = await gw.queryVia(door, query, undefined, { [MARK]: 'stress' });
    expect(body).toEqual({
      data: { guarded: [null] },
      errors: [
        {
          message: 'Not called for stress traffic: guarded.getItems has no shadow target and guarded.getItems is not read-only (not idempotent) and isolation.unshadowed.writes is required',
          locations: locationOf(query, 'guarded'),
          path: ['guarded', 0],
          extensions: { code: 'ISOLATION_REQUIRED', connector: 'guarded', operation: 'getItems' },
        },
      ],
    });
    expect(production.calls).toHaveLength(0);
  });
});
