import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, test } from 'vitest';
import { REPO_ROOT, startGateway } from '../support/gateway.ts';
import { json, startFakeUpstream } from '../support/fake-upstream.ts';
import { validateConfig } from '../../src/index.ts';
import { scaffoldFromOpenApi } from '../../src/scaffold/openapi-to-connector.ts';
import { writeScaffold } from '../../src/scaffold/write-scaffold.ts';
import { GatewayError } from '../../src/errors/gateway-error.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/openapi');
const ORDERS_SPEC = path.join(FIXTURES, 'orders-openapi3.yaml');
const PETS_SPEC = path.join(FIXTURES, 'petstore-swagger2.yaml');

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-scaffold-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Scaffolds into a fresh folder and validates it exactly as `tessera validate --config-dir` does. */
async function scaffoldAndValidate(spec: string, name: string, env: Record<string, string> = {}) {
  const dir = await tempDir();
  const written = await writeScaffold({ specFile: spec, name, outDir: dir });
  const report = await validateConfig({ configDir: dir, env });
  return { dir, written, report };
}

describe('scaffold from OpenAPI 3', () => {
  test('the output passes validate as written: no error, no warning', async () => {
    const { written, report } = await scaffoldAndValidate(ORDERS_SPEC, 'orders');
    expect(report.text).toBe('');
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(written.files).toEqual(['connectors/orders.yaml', 'schemas/orders.graphql']);
    expect(report.blueprint!.operations.size).toBe(5);
  });

  test('operations: method, path templates, typed params, query, header and body templates', async () => {
    const { connectorYaml } = await scaffoldFromOpenApi(ORDERS_SPEC, { name: 'orders' });
    const connector = parseYaml(connectorYaml) as { baseUrl: string; operations: Record<string, unknown> };
    // servers[0].url with its variable's default, overridable from the environment.
    expect(connector.baseUrl).toBe('${ORDERS_URL:-https://eu.orders.example.com/v1}');
    expect(connector.operations).toEqual({
      listOrders: {
        method: 'GET',
        path: '/orders',
        params: { customer_id: 'ID!', status: 'String', limit: 'Int', tag: '[String]', xTraceId: 'String' },
        query: { customer_id: '{customer_id}', status: '{status}', limit: '{limit}', tag: '{tag}' },
        headers: { 'X-Trace-Id': '{xTraceId}' },
      },
      createOrder: {
        method: 'POST',
        path: '/orders',
        params: { customer_id: 'ID!', note: 'String', priority: 'Int', shipping: 'AddressInput', items: '[LineItemInput]!' },
        body: { customer_id: '{customer_id}', note: '{note}', priority: '{priority}', shipping: '{shipping}', items: '{items}' },
      },
      getOrder: { method: 'GET', path: '/orders/{orderId}', params: { orderId: 'ID!' } },
      // No operationId: named from method and path.
      deleteOrdersByOrderId: { method: 'DELETE', path: '/orders/{orderId}', params: { orderId: 'ID!' } },
      // `fields` is reserved for the gateway's own {fields}: the param is renamed, the query key kept.
      getCustomersByCustomerIdSummary: {
        method: 'GET',
        path: '/customers/{customerId}/summary',
        params: { customerId: 'ID!', fieldsParam: 'String' },
        query: { fields: '{fieldsParam}' },
      },
    });
    expect(connectorYaml).toContain(
      '  # GET /orders: Orders of one customer, newest first\n  # header parameter "Authorization" left out: OpenAPI ignores it (credentials go in headers: or forwardHeaders:)\n  listOrders:\n',
    );
    // Header-borne security schemes become hints for a static or a forwarded credential.
    expect(connectorYaml.split('\n\n')[0]).toBe(
      [
        '# Scaffolded by `tessera scaffold` from orders-openapi3.yaml (Orders API 1.4.0).',
        '# A starting point: add batch: sections for list endpoints, cache:, retry: and forwardHeaders: as needed.',
        '# Security "bearer": headers: { authorization: "Bearer ${ORDERS_TOKEN}" }, or forwardHeaders: [authorization] to pass the caller\'s.',
        '# Security "key": headers: { x-api-key: "${ORDERS_TOKEN}" }, or forwardHeaders: [x-api-key].',
      ].join('\n'),
    );
  });

  test('schema: one Query field per GET with @source, object types named by $ref, enums, renames by @map', async () => {
    const { schemaSdl } = await scaffoldFromOpenApi(ORDERS_SPEC, { name: 'orders' });
    const blocks = schemaSdl.split('\n\n');
    expect(blocks).toContain(
      [
        'type Query {',
        '  listOrders(customer_id: ID!, status: String, limit: Int, tag: [String], xTraceId: String): ListOrdersResponse',
        '    @source(connector: "orders", operation: "listOrders", params: { customer_id: "{args.customer_id}", status: "{args.status}", limit: "{args.limit}", tag: "{args.tag}", xTraceId: "{args.xTraceId}" })',
        '  getOrder(orderId: ID!): Order',
        '    @source(connector: "orders", operation: "getOrder", params: { orderId: "{args.orderId}" })',
        '  getCustomersByCustomerIdSummary(customerId: ID!, fieldsParam: String): GetCustomersByCustomerIdSummaryResponse',
        '    @source(connector: "orders", operation: "getCustomersByCustomerIdSummary", params: { customerId: "{args.customerId}", fieldsParam: "{args.fieldsParam}" })',
        '}',
      ].join('\n'),
    );
    expect(blocks).toContain(
      [
        'type Order {',
        '  id: ID!',
        '  customer_id: ID',
        '  status: OrderStatus!',
        '  total: Money',
        '  paid: Boolean',
        '  weight_kg: Float',
        '  items: [LineItem]',
        '  shipping: Address',
        '  createdAt: String @map(from: "created-at")',
        '  # metadata: left out, a free-form object (no declared properties)',
        '  previous: Order',
        '}',
      ].join('\n'),
    );
    expect(blocks).toContain('enum OrderStatus {\n  pending\n  paid\n  shipped\n  cancelled\n}');
    expect(blocks).toContain('type ListOrdersResponse {\n  items: [Order]!\n  nextCursor: String @map(from: "next-cursor")\n}');
    expect(blocks).toContain('input LineItemInput {\n  sku: String\n  quantity: Int\n  unit_price: MoneyInput\n}');
    expect(blocks).toContain('# In the connector but not bound (only queries are served so far):\n#   createOrder (POST /orders)\n#   deleteOrdersByOrderId (DELETE /orders/{orderId})');
  });

  test('the scaffolded connector serves real calls: path, query and header templates reach the upstream', async () => {
    const upstream = await startFakeUpstream((call, res) =>
      call.url.pathname === '/v1/orders'
        ? json(res, 200, { items: [{ id: 'o1', status: 'paid', 'created-at': '2026-01-02' }], 'next-cursor': null })
        : json(res, 200, { id: decodeURIComponent(call.url.pathname.split('/').at(-1)!), status: 'shipped', total: { amount_cents: 1250, currency: 'EUR' } }),
    );
    const dir = await tempDir();
    await writeScaffold({ specFile: ORDERS_SPEC, name: 'orders', outDir: dir });
    const gw = await startGateway({ configDir: dir, env: { ORDERS_URL: `${upstream.url}/v1` } });
    try {
      const list = await gw.query('{ listOrders(customer_id: "c7", limit: 5, tag: ["a", "b"], xTraceId: "t1") { items { id status createdAt } nextCursor } }');
      expect(list.body).toEqual({ data: { listOrders: { items: [{ id: 'o1', status: 'paid', createdAt: '2026-01-02' }], nextCursor: null } } });
      const one = await gw.query('{ getOrder(orderId: "o 9") { id status total { amount_cents currency } } }');
      expect(one.body).toEqual({ data: { getOrder: { id: 'o 9', status: 'shipped', total: { amount_cents: 1250, currency: 'EUR' } } } });
      expect(upstream.calls.map((c) => [c.method, c.rawPath, c.headers['x-trace-id']])).toEqual([
        ['GET', '/v1/orders?customer_id=c7&limit=5&tag=a%2Cb', 't1'],
        ['GET', '/v1/orders/o%209', undefined],
      ]);
    } finally {
      await gw.close();
      await upstream.close();
    }
  });
});

describe('scaffold from Swagger 2.0', () => {
  test('host, basePath, body parameters and allOf are read; the output validates', async () => {
    const { dir, report } = await scaffoldAndValidate(PETS_SPEC, 'pets');
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    const connector = parseYaml(await readFile(path.join(dir, 'connectors/pets.yaml'), 'utf8')) as Record<string, unknown>;
    expect(connector).toEqual({
      baseUrl: '${PETS_URL:-https://pets.example.com/api}',
      operations: {
        findPets: { method: 'GET', path: '/pets', params: { tags: '[String]', limit: 'Int' }, query: { tags: '{tags}', limit: '{limit}' } },
        addPet: { method: 'POST', path: '/pets', params: { name: 'String!', tag: 'String' }, body: { name: '{name}', tag: '{tag}' } },
        findPetById: { method: 'GET', path: '/pets/{id}', params: { id: 'ID!' } },
      },
    });
    const schema = await readFile(path.join(dir, 'schemas/pets.graphql'), 'utf8');
    expect(schema).toContain('  findPets(tags: [String], limit: Int): [Pet]\n');
    expect(schema).toContain('type Pet {\n  name: String!\n  tag: String\n  id: ID!\n}');
  });
});

describe('scaffold into an existing config folder', () => {
  test('a folder that already has a Query type gets `extend type Query`, and still validates', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'schemas'));
    await mkdir(path.join(dir, 'connectors'));
    await writeFile(path.join(dir, 'connectors/crm.yaml'), 'baseUrl: http://127.0.0.1:1\noperations:\n  getCustomer: { path: "/c/{id}", params: { id: ID! } }\n');
    await writeFile(path.join(dir, 'schemas/api.graphql'), 'type Query {\n  customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomer", params: { id: "{args.id}" })\n}\ntype Customer { id: ID! }\n');
    const written = await writeScaffold({ specFile: ORDERS_SPEC, name: 'orders', outDir: dir });
    expect(written.schemaSdl).toContain('\n\nextend type Query {\n  listOrders(');
    const report = await validateConfig({ configDir: dir, env: {} });
    expect(report.errors).toEqual([]);
  });

  test('existing files are never replaced without force, and nothing is written', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'schemas'));
    await writeFile(path.join(dir, 'schemas/orders.graphql'), '# mine\n');
    const attempt = writeScaffold({ specFile: ORDERS_SPEC, name: 'orders', outDir: dir });
    await expect(attempt).rejects.toThrow(GatewayError);
    await expect(attempt).rejects.toMatchObject({
      code: 'SCAFFOLD_OUTPUT_EXISTS',
      message: `${path.join(dir, 'schemas/orders.graphql')} already exists; nothing was written (--force replaces it)`,
    });
    await expect(readFile(path.join(dir, 'connectors/orders.yaml'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    await writeScaffold({ specFile: ORDERS_SPEC, name: 'orders', outDir: dir, force: true });
    expect(await readFile(path.join(dir, 'schemas/orders.graphql'), 'utf8')).toMatch(/^# Scaffolded by `tessera scaffold`/);
  });
});

describe('scaffold refuses what it cannot read', () => {
  test.for([
    {
      name: 'a document that breaks the specification',
      spec: path.join(FIXTURES, 'broken.yaml'),
      message: `${path.join(FIXTURES, 'broken.yaml')} is not a valid OpenAPI 3 or Swagger 2.0 document:\n  Swagger schema validation failed.\n    #/info must have required property 'version'\n    #/paths/~1things/get/responses must NOT have fewer than 1 properties`,
    },
    {
      name: 'a missing file',
      spec: path.join(FIXTURES, 'missing.yaml'),
      message: `${path.join(FIXTURES, 'missing.yaml')} cannot be read as an OpenAPI document:\n  Error opening file ${path.join(FIXTURES, 'missing.yaml')}: ENOENT: no such file or directory, open '${path.join(FIXTURES, 'missing.yaml')}'`,
    },
  ])('$name: SCAFFOLD_INVALID_SPEC naming the file and every problem', async ({ spec, message }) => {
    await expect(scaffoldFromOpenApi(spec, { name: 'x' })).rejects.toMatchObject({ code: 'SCAFFOLD_INVALID_SPEC', message });
  });

  test('a name that is no connector name', async () => {
    await expect(scaffoldFromOpenApi(ORDERS_SPEC, { name: 'my orders' })).rejects.toMatchObject({
      code: 'SCAFFOLD_INVALID_SPEC',
      message: 'expected --name to be a connector name (a letter or _, then letters, digits, _ or -); got "my orders"',
    });
  });
});
