import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileBlueprint } from '../../src/blueprint/index.ts';

const CRM = `
baseUrl: http://crm.internal
operations:
  getCustomer:
    path: /customers/{id}
    params:
      id: ID!
  getCustomers:
    path: /customers
    query:
      ids: "{keys}"
    batch:
      maxSize: 50
      keyField: id
    result: items
  ordersByCustomer:
    path: /orders
    query:
      customerIds: "{keys}"
      limit: "{limit}"
    params:
      limit: Int
    batch:
      maxSize: 50
      keyField: customer_id
      many: true
    result: items
  ordersOf:
    path: /customers/{id}/orders
    params:
      id: ID!
`;

/** Compiles one schema against the CRM connector (plus extra connector files) and returns every problem. */
function problems(schema: string, connectors: Record<string, string> = { 'connectors/crm.yaml': CRM }) {
  const loaded = checkConfigSources({
    connectorFiles: Object.entries(connectors).map(([file, text]) => ({ file, text })),
    schemaFiles: [{ file: 'schemas/s.graphql', text: schema }],
  });
  const compiled = loaded.errors.length ? { errors: [], warnings: [] } : compileBlueprint(loaded.config);
  return [...loaded.errors, ...compiled.errors, ...compiled.warnings].map((e) => ({
    at: `${e.source?.file}:${e.source?.line}:${e.source?.column}`,
    code: e.code,
    message: e.message,
  }));
}

const OK_TYPES = `
type Customer { id: ID! name: String orders(limit: Int): [Order!] @source(connector: "crm", operation: "ordersByCustomer", key: "{parent.id}", params: { limit: "{args.limit}" }) }
type Order { id: ID! }
`;

describe('blueprint: every schema binding problem, with position and message', () => {
  test('a valid config compiles without errors or warnings', () => {
    expect(problems(`type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomers", key: "{args.id}") }${OK_TYPES}`)).toEqual([]);
  });

  test.for([
    {
      name: 'unknown connector, with a suggestion',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crn", operation: "getCustomer", params: { id: "{args.id}" }) }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:61', code: 'CONFIG_UNKNOWN_CONNECTOR', message: 'expected a connector declared in connectors/*.yaml; got "crn". Did you mean "crm"?' }],
    },
    {
      name: 'unknown operation, with a suggestion',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomr", params: { id: "{args.id}" }) }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:79', code: 'CONFIG_UNKNOWN_OPERATION', message: 'expected an operation of connector "crm"; got "getCustomr". Did you mean "getCustomer" or "getCustomers"?' }],
    },
    {
      name: 'argument mapped from an argument that does not exist',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomer", params: { id: "{args.ident}" }) }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:109', code: 'CONFIG_UNKNOWN_REFERENCE', message: 'expected an argument of Query.customer (id); got {args.ident}. Did you mean "id"?' }],
    },
    {
      name: 'parent field that does not exist',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomers", key: "{args.id}") }
type Customer { id: ID! orders: [Order!] @source(connector: "crm", operation: "ordersByCustomer", key: "{parent.idd}") }
type Order { id: ID! }`,
      expected: [{ at: 'schemas/s.graphql:2:105', code: 'CONFIG_UNKNOWN_REFERENCE', message: 'expected a field of Customer; got {parent.idd}. Did you mean "id"?' }],
    },
    {
      name: 'type mismatch: a String argument feeding an Int param',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomers", key: "{args.id}") }
type Customer { id: ID! orders(limit: String): [Order!] @source(connector: "crm", operation: "ordersByCustomer", key: "{parent.id}", params: { limit: "{args.limit}" }) }
type Order { id: ID! }`,
      expected: [{ at: 'schemas/s.graphql:2:152', code: 'CONFIG_TYPE_MISMATCH', message: 'expected a value of type Int for param "limit" of crm.ordersByCustomer; got String' }],
    },
    {
      name: 'missing required param',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomer") }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:42', code: 'CONFIG_MISSING_PARAM', message: 'expected params.id: crm.getCustomer requires param "id" (ID!)' }],
    },
    {
      name: 'key on an unbatched operation',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomer", key: "{args.id}", params: { id: "{args.id}" }) }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:99', code: 'CONFIG_INVALID_VALUE', message: 'expected no key/keys: operation crm.getCustomer has no batch section (keys are for batched operations)' }],
    },
    {
      name: 'batched operation without key',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomers") }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:42', code: 'CONFIG_MISSING_PARAM', message: 'expected key: "{...}" or keys: "{...}": operation crm.getCustomers is batched and needs the key of each entity' }],
    },
    {
      name: 'keys on a field that is not a list',
      schema: `type Query { customers(ids: [ID!]!): Customer @source(connector: "crm", operation: "getCustomers", keys: "{args.ids}") }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:14', code: 'CONFIG_TYPE_MISMATCH', message: 'expected Query.customers to be a list because it is bound with keys:; got Customer' }],
    },
    {
      name: 'malformed template',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomers", key: "{args.id") }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:101', code: 'CONFIG_INVALID_TEMPLATE', message: 'expected "}" to close the reference opened here' }],
    },
    {
      name: 'unbound root field',
      schema: `type Query { customer(id: ID!): Customer }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:14', code: 'CONFIG_UNBOUND_ROOT_FIELD', message: 'expected Query.customer to be bound to a connector operation with @source(connector:, operation:)' }],
    },
    {
      name: 'GraphQL syntax error',
      schema: 'type Query {\n  customer(id: ID!): Customer @source(connector: "crm"\n}',
      expected: [{ at: 'schemas/s.graphql:3:1', code: 'CONFIG_GRAPHQL_SYNTAX', message: 'expected valid GraphQL: Expected Name, found "}".' }],
    },
    {
      name: 'unknown type',
      schema: `type Query { customer(id: ID!): Custmer @source(connector: "crm", operation: "getCustomers", key: "{args.id}") }${OK_TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:33', code: 'CONFIG_SCHEMA_INVALID', message: 'Unknown type "Custmer". Did you mean "Customer"?' }],
    },
    {
      name: 'a union without @discriminator',
      schema: `type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomers", key: "{args.id}") }${OK_TYPES}\nunion Thing = Customer | Order`,
      expected: [
        {
          at: 'schemas/s.graphql:5:1',
          code: 'CONFIG_INVALID_VALUE',
          message: 'expected @discriminator(field: "<upstream field>", map: { <value>: "<Type>" }) on union Thing: the gateway picks each upstream item\'s type by one of its fields (possible types: Customer, Order)',
        },
      ],
    },
    {
      name: 'N+1 hazard: an unbatched operation under a list (a warning)',
      schema: `type Query { customers(ids: [ID!]!): [Customer] @source(connector: "crm", operation: "getCustomers", keys: "{args.ids}") }
type Customer { id: ID! orders: [Order!] @source(connector: "crm", operation: "ordersOf", params: { id: "{parent.id}" }) }
type Order { id: ID! }`,
      expected: [
        {
          at: 'schemas/s.graphql:2:25',
          code: 'CONFIG_N_PLUS_ONE',
          message: 'Customer.orders is bound to the unbatched operation crm.ordersOf, but Customer is reached through the list Query.customers: one upstream call per list item. Bind it to an operation with a batch section.',
        },
      ],
    },
  ])('$name', ({ schema, expected }) => {
    expect(problems(schema)).toEqual(expected);
  });

  test('several problems are all reported in one run', () => {
    const schema = `type Query {
  a(id: ID!): Customer @source(connector: "nope", operation: "x")
  b(id: ID!): Customer @source(connector: "crm", operation: "nope")
  c(id: ID!): Customer
}${OK_TYPES}`;
    expect(problems(schema).map((p) => `${p.at} ${p.code}`)).toEqual([
      'schemas/s.graphql:2:43 CONFIG_UNKNOWN_CONNECTOR',
      'schemas/s.graphql:3:61 CONFIG_UNKNOWN_OPERATION',
      'schemas/s.graphql:4:3 CONFIG_UNBOUND_ROOT_FIELD',
    ]);
  });
});

describe('blueprint: connector template problems', () => {
  test.for([
    {
      name: 'a template naming an undeclared param',
      yaml: 'baseUrl: http://x\noperations:\n  get:\n    path: /things/{idd}\n    params:\n      id: ID!\n',
      expected: [{ at: 'connectors/x.yaml:4:19', code: 'CONFIG_UNKNOWN_REFERENCE', message: 'expected a declared param (id); got {idd}. Did you mean "id"?' }],
    },
    {
      name: '{keys} outside a batched operation',
      yaml: 'baseUrl: http://x\noperations:\n  get:\n    path: /things\n    query:\n      ids: "{keys}"\n',
      expected: [{ at: 'connectors/x.yaml:6:13', code: 'CONFIG_UNKNOWN_REFERENCE', message: 'expected a declared param; got {keys}. {keys} is only available in operations with a `batch` section.' }],
    },
    {
      name: 'a param named like a reserved reference',
      yaml: 'baseUrl: http://x\noperations:\n  get:\n    path: /things/{id}\n    query:\n      fields: "{fields}"\n    params:\n      id: ID!\n      fields: String\n',
      expected: [{ at: 'connectors/x.yaml:9:7', code: 'CONFIG_INVALID_VALUE', message: 'expected a param name other than "fields": {fields} is reserved for the gateway' }],
    },
    {
      name: 'a batched operation that never sends its keys',
      yaml: 'baseUrl: http://x\noperations:\n  get:\n    path: /things\n    batch:\n      maxSize: 5\n      keyField: id\n',
      expected: [{ at: 'connectors/x.yaml:5:5', code: 'CONFIG_MISSING_PARAM', message: 'expected the batched operation to send its keys: use "{keys}" in its query, path or body' }],
    },
  ])('$name', ({ yaml, expected }) => {
    const schema = 'type Query { t(id: ID!): T @source(connector: "x", operation: "get", params: { id: "{args.id}" }) }\ntype T { id: ID }';
    const found = problems(schema, { 'connectors/x.yaml': yaml }).filter((p) => p.at.startsWith('connectors/'));
    expect(found).toEqual(expected);
  });
});
