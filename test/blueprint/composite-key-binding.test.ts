import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileBlueprint } from '../../src/blueprint/index.ts';

const ORDERS = `
baseUrl: http://orders.internal
operations:
  ordersOf:
    path: /t/orders
    query: { keys: "{keys}" }
    batch: { maxSize: 50, keyFields: [tenantId, customerId], many: true }
    result: items
  accountOf:
    path: /t/accounts
    query: { keys: "{keys}" }
    batch: { maxSize: 50, keyFields: [tenantId, customerId], answer: { kind: map } }
  byId:
    path: /accounts
    query: { ids: "{keys}" }
    batch: { maxSize: 50, keyField: id }
`;

/** Compiles `Customer { <field> }` against the orders connector; every problem as file:line:col, code, message. */
function problems(field: string) {
  const schema = `type Query { customer: Customer @source(connector: "orders", operation: "byId", key: "1") }
type Customer { id: ID! tenantId: String! tags: [String!] }
extend type Customer {
  ${field}
}
type Order { id: ID! }
type Account { plan: String }
`;
  const loaded = checkConfigSources({ connectorFiles: [{ file: 'connectors/orders.yaml', text: ORDERS }], schemaFiles: [{ file: 'schemas/s.graphql', text: schema }] });
  expect(loaded.errors).toEqual([]);
  const compiled = compileBlueprint(loaded.config);
  return [...compiled.errors, ...compiled.warnings].map((e) => ({ at: `${e.source?.file}:${e.source?.line}:${e.source?.column}`, code: e.code, message: e.message }));
}

const S = 'schemas/s.graphql';
const KEY = 'key: { tenantId: "{parent.tenantId}", customerId: "{parent.id}" }';

describe('composite keys in @source: every binding problem, at its position', () => {
  test('a key object naming every key field compiles', () => {
    expect(problems(`orders: [Order!]! @source(connector: "orders", operation: "ordersOf", ${KEY}) account: Account @source(connector: "orders", operation: "accountOf", ${KEY})`)).toEqual([]);
  });

  test.for([
    {
      name: 'a string key for a composite key',
      field: 'orders: [Order!]! @source(connector: "orders", operation: "ordersOf", key: "{parent.id}")',
      errors: [{ at: `${S}:4:78`, code: 'CONFIG_TYPE_MISMATCH', message: 'expected key to be an object with one template per key field of orders.ordersOf (tenantId, customerId), e.g. key: { tenantId: "{parent.tenantId}", customerId: "{parent.customerId}" }' }],
    },
    {
      name: 'a key object for a one-field key',
      field: `account: Account @source(connector: "orders", operation: "byId", ${KEY})`,
      errors: [{ at: `${S}:4:73`, code: 'CONFIG_TYPE_MISMATCH', message: 'expected key to be a template string like "{parent.id}": orders.byId has one key field (batch.keyField); an object key needs batch.keyFields' }],
    },
    {
      name: 'a misspelt key field, so one is missing',
      field: 'account: Account @source(connector: "orders", operation: "accountOf", key: { tenantId: "{parent.tenantId}", customerID: "{parent.id}" })',
      errors: [
        { at: `${S}:4:111`, code: 'CONFIG_UNKNOWN_REFERENCE', message: 'expected a key field of orders.accountOf (tenantId, customerId); got "customerID". Did you mean "customerId"?' },
        { at: `${S}:4:78`, code: 'CONFIG_MISSING_PARAM', message: 'expected key to name every key field of orders.accountOf (tenantId, customerId); customerId missing' },
      ],
    },
    {
      name: 'a key field that is not a template string, and one that reads an unknown parent field',
      field: 'account: Account @source(connector: "orders", operation: "accountOf", key: { tenantId: 7, customerId: "{parent.idd}" })',
      errors: [
        { at: `${S}:4:90`, code: 'CONFIG_INVALID_VALUE', message: 'expected key field "tenantId" to be a template string like "{parent.tenantId}"' },
        { at: `${S}:4:106`, code: 'CONFIG_UNKNOWN_REFERENCE', message: 'expected a field of Customer; got {parent.idd}. Did you mean "id"?' },
        { at: `${S}:4:78`, code: 'CONFIG_MISSING_PARAM', message: 'expected key to name every key field of orders.accountOf (tenantId, customerId); tenantId missing' },
      ],
    },
    {
      name: 'a key field fed a list',
      field: 'account: Account @source(connector: "orders", operation: "accountOf", key: { tenantId: "{parent.tags}", customerId: "{parent.id}" })',
      errors: [{ at: `${S}:4:91`, code: 'CONFIG_TYPE_MISMATCH', message: 'expected key field "tenantId" to be a scalar; got [String!]' }],
    },
    {
      name: 'keys: with a composite key',
      field: 'accounts: [Account] @source(connector: "orders", operation: "accountOf", keys: "{parent.tags}")',
      errors: [{ at: `${S}:4:82`, code: 'CONFIG_UNSUPPORTED', message: 'keys: with a composite key (orders.accountOf is keyed by tenantId, customerId) is not supported; use key: { tenantId: "{parent.tenantId}", customerId: "{parent.customerId}" }' }],
    },
    {
      name: 'no key at all',
      field: 'account: Account @source(connector: "orders", operation: "accountOf")',
      errors: [{ at: `${S}:4:20`, code: 'CONFIG_MISSING_PARAM', message: 'expected key: { tenantId: "{parent.tenantId}", customerId: "{parent.customerId}" }: operation orders.accountOf is batched by a composite key' }],
    },
    {
      name: 'a key of the wrong kind',
      field: 'account: Account @source(connector: "orders", operation: "byId", key: 5)',
      errors: [
        { at: `${S}:4:73`, code: 'CONFIG_INVALID_VALUE', message: 'expected key to be a template string like "{parent.id}", or an object of them for a composite key' },
        { at: `${S}:4:20`, code: 'CONFIG_MISSING_PARAM', message: 'expected key: "{...}" or keys: "{...}": operation orders.byId is batched and needs the key of each entity' },
      ],
    },
    {
      name: 'a many-per-key composite binding on a field that is not a list',
      field: `orders: Order @source(connector: "orders", operation: "ordersOf", ${KEY})`,
      errors: [{ at: `${S}:4:3`, code: 'CONFIG_TYPE_MISMATCH', message: 'expected Customer.orders to be a list: orders.ordersOf returns many items per key; got Order' }],
    },
  ])('$name', ({ field, errors }) => {
    expect(problems(field)).toEqual(errors);
  });
});
