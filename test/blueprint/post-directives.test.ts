import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileBlueprint } from '../../src/blueprint/index.ts';
import { formatConfigError } from '../../src/errors/format-config-error.ts';

const CRM = `
baseUrl: http://crm.internal
operations:
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
    batch:
      maxSize: 50
      keyField: customer_id
      many: true
    result: items
`;

const QUERY = 'type Query { customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomers", key: "{args.id}") }\n';
const ORDER = '\ntype Order { id: ID! total: Int status: String }';

/** Compiles a Customer type (one field per line after the first) and returns every problem. */
function problems(customerFields: string) {
  const text = `${QUERY}type Customer {\n  id: ID!\n  points: Int\n  name: String\n  orders: [Order!]! @source(connector: "crm", operation: "ordersByCustomer", key: "{parent.id}")\n${customerFields}\n}${ORDER}`;
  const loaded = checkConfigSources({ connectorFiles: [{ file: 'connectors/crm.yaml', text: CRM }], schemaFiles: [{ file: 'schemas/s.graphql', text }] });
  expect(loaded.errors).toEqual([]);
  const compiled = compileBlueprint(loaded.config);
  const lines = text.split('\n');
  return {
    list: compiled.errors.map((e) => ({ at: `${e.source?.line}:${e.source?.column}`, code: e.code, message: e.message })),
    printed: compiled.errors.map((e) => formatConfigError(e, (_file, line) => lines[line - 1])),
  };
}

// Line 7 of the schema is the first line of `customerFields`.
describe('post-processing directives: config errors with file:line:col', () => {
  test('valid directives compile without errors', () => {
    expect(
      problems(`  tier: String @computed(expr: "parent.points > 10 ? 'gold' : 'silver'")
  phone: String @mask(keepLast: 4)
  email: String @mask(email: true)
  joined: String @format(date: "YYYY-MM-DD", timeZone: "Europe/Paris")
  total: String @format(decimals: 2, locale: "de-DE")
  level: String @valueMap(map: { a: "A" }, fallback: "?") @default(value: "none")
  km: Float @unit(from: "m", to: "km", decimals: 3)
  open: [Order!]! @source(connector: "crm", operation: "ordersByCustomer", key: "{parent.id}") @transform(filter: "item.status == 'open'", sortBy: "item.total", descending: true, limit: 3)
  orderCount: Int @computed(expr: "size(parent.orders)")`).list,
    ).toEqual([]);
  });

  test.for([
    {
      name: 'syntax error points into the expression',
      field: '  tier: String @computed(expr: "parent.points >")',
      at: '7:47',
      code: 'CONFIG_INVALID_EXPRESSION',
      message: 'EXPR_SYNTAX: expected a valid CEL expression: found > but expecting end of input',
    },
    {
      name: 'unknown parent field, at the field name',
      field: '  tier: String @computed(expr: "parent.pionts > 1")',
      at: '7:39',
      code: 'CONFIG_INVALID_EXPRESSION',
      message: 'EXPR_UNKNOWN_REFERENCE: expected a field of Customer (id, points, name, orders); got parent.pionts',
    },
    { name: 'computed result of the wrong kind', field: '  tier: String @computed(expr: "[parent.points]")', at: '7:33', code: 'CONFIG_INVALID_EXPRESSION', message: 'EXPR_TYPE_MISMATCH: expected an expression that gives a string; this one gives a list' },
    { name: 'filter that is never a bool', field: '  o: [Order!]! @map(from: "orders") @transform(filter: "size(item.status)")', at: '7:57', code: 'CONFIG_INVALID_EXPRESSION', message: 'EXPR_TYPE_MISMATCH: expected an expression that gives a bool; this one gives a number' },
    { name: 'computed reads computed', field: '  a: Int @computed(expr: "1")\n  b: Int @computed(expr: "parent.a")', at: '8:27', code: 'CONFIG_INVALID_EXPRESSION', message: 'expected Customer.b to read plain or @source fields; parent.a is itself computed' },
    { name: 'computed with @map', field: '  tier: String @map(from: "x") @computed(expr: "1")', at: '7:16', code: 'CONFIG_INVALID_VALUE', message: 'expected @computed alone: Customer.tier cannot be both computed and read with @map' },
    { name: 'mask on an Int', field: '  n: Int @mask(keepLast: 2)', at: '7:10', code: 'CONFIG_TYPE_MISMATCH', message: 'expected @mask on a field of type String or ID (or a list of it); Customer.n is Int' },
    { name: 'mask with both modes', field: '  p: String @mask(keepLast: 2, email: true)', at: '7:13', code: 'CONFIG_INVALID_VALUE', message: 'expected exactly one of keepLast: <n> or email: true' },
    { name: 'unknown time zone', field: '  d: String @format(date: "YYYY", timeZone: "Mars/Olympus")', at: '7:45', code: 'CONFIG_INVALID_VALUE', message: 'expected an IANA time zone such as "UTC" or "Europe/Paris"; got "Mars/Olympus"' },
    { name: 'units of different kinds', field: '  w: Float @unit(from: "kg", to: "km")', at: '7:24', code: 'CONFIG_INVALID_VALUE', message: 'expected two units of the same kind; kg is a mass unit, km is a length unit' },
    { name: 'unknown unit', field: '  w: Float @unit(from: "furlong", to: "m")', at: '7:24', code: 'CONFIG_INVALID_VALUE', message: 'expected a known unit (mm, cm, m, km, in, ft, mi, g, kg, lb, oz, ms, s, min, h, d, B, KB, MB, GB, KiB, MiB, GiB, minor, major, C, F, K); got "furlong"' },
    { name: 'default of the wrong type', field: '  n: Int @default(value: "many")', at: '7:26', code: 'CONFIG_TYPE_MISMATCH', message: 'expected a Int value; got "many"' },
    { name: 'transform on a non-list', field: '  n: String @transform(limit: 1)', at: '7:13', code: 'CONFIG_TYPE_MISMATCH', message: 'expected @transform on a list field; Customer.n is String' },
    { name: 'map on a list of objects', field: '  o: [Order!]! @map(from: "orders") @transform(map: "item.id")', at: '7:53', code: 'CONFIG_INVALID_VALUE', message: 'expected map only on lists of scalars; Customer.o is a list of Order (select fields instead)' },
    { name: 'transform reads an unknown item field', field: '  o: [Order!]! @map(from: "orders") @transform(filter: "item.state == 1")', at: '7:61', code: 'CONFIG_INVALID_EXPRESSION', message: 'EXPR_UNKNOWN_REFERENCE: expected a field of Order (id, total, status); got item.state' },
  ])('$name', ({ field, at, code, message }) => {
    expect(problems(field).list).toEqual([{ at, code, message }]);
  });

  test('printed like every config error, with a caret under the expression position', () => {
    expect(problems('  tier: String @computed(expr: "parent.pionts > 1")').printed[0]).toBe(
      [
        'schemas/s.graphql:7:39  CONFIG_INVALID_EXPRESSION  at schemas.Customer.tier',
        '  EXPR_UNKNOWN_REFERENCE: expected a field of Customer (id, points, name, orders); got parent.pionts',
        '    6 |   orders: [Order!]! @source(connector: "crm", operation: "ordersByCustomer", key: "{parent.id}")',
        '  > 7 |   tier: String @computed(expr: "parent.pionts > 1")',
        '      |                                       ^',
      ].join('\n'),
    );
  });

  test('a computed Query field needs no @source', () => {
    const text = 'type Query { version: String @computed(expr: "\'1.0\'") }';
    const loaded = checkConfigSources({ connectorFiles: [], schemaFiles: [{ file: 'schemas/s.graphql', text }] });
    expect(compileBlueprint(loaded.config).errors).toEqual([]);
  });
});
