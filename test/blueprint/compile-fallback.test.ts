import { describe, expect, test } from 'vitest';
import { printSchema } from 'graphql';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileBlueprint } from '../../src/blueprint/index.ts';

const CRM = `
baseUrl: http://crm.internal
operations:
  getCustomers:
    path: /customers
    query: { ids: "{keys}" }
    batch: { maxSize: 50, keyField: id }
    result: items
`;

function compile(schema: string) {
  const loaded = checkConfigSources({ connectorFiles: [{ file: 'connectors/crm.yaml', text: CRM }], schemaFiles: [{ file: 'schemas/s.graphql', text: schema }] });
  const compiled = compileBlueprint(loaded.config);
  return {
    compiled,
    problems: [...loaded.errors, ...compiled.errors].map((e) => ({ at: `${e.source?.file}:${e.source?.line}:${e.source?.column}`, code: e.code, message: e.message })),
  };
}

const BOUND = '@source(connector: "crm", operation: "getCustomers", key: "{args.id}")';
const TYPES = 'type Customer { id: ID! name: String }';

describe('@fallback', () => {
  test('static default and stale fallbacks compile, and callers never see the directive', () => {
    const { compiled, problems } = compile(`type Query {
  customer(id: ID!): Customer ${BOUND} @fallback(staleForMs: 60000, value: { id: "?", name: "unknown" })
  name(id: ID!): String ${BOUND} @fallback(value: "n/a")
}
${TYPES}`);
    expect(problems).toEqual([]);
    expect(compiled.blueprint!.fields.get('Query')!.get('customer')!.fallback).toEqual({ staleForMs: 60000, hasValue: true, value: { id: '?', name: 'unknown' }, coordinate: 'Query.customer' });
    expect(printSchema(compiled.blueprint!.schema)).not.toMatch(/fallback|_Tessera/);
  });

  test.for([
    {
      name: 'on a field without @source',
      schema: `type Query { customer(id: ID!): Customer ${BOUND} }\ntype Customer { id: ID! name: String @fallback(value: "x") }`,
      expected: [{ at: 'schemas/s.graphql:2:38', code: 'CONFIG_INVALID_VALUE', message: 'expected @fallback only on a field bound with @source: Customer.name has no upstream call that could fail' }],
    },
    {
      name: 'a default of the wrong type',
      schema: `type Query { count(id: ID!): Int ${BOUND} @fallback(value: "many") }\n${TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:115', code: 'CONFIG_INVALID_VALUE', message: 'expected value to be a Int for Query.count; got "many"' }],
    },
    {
      // graphql-js's Boolean.serialize would take 1 as true; the gateway serialises strictly, at boot as at run time.
      name: 'a number as a Boolean default',
      schema: `type Query { flag(id: ID!): Boolean ${BOUND} @fallback(value: 1) }\n${TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:118', code: 'CONFIG_INVALID_VALUE', message: 'expected value to be a Boolean for Query.flag; got 1' }],
    },
    {
      name: 'neither value nor staleForMs',
      schema: `type Query { customer(id: ID!): Customer ${BOUND} @fallback }\n${TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:113', code: 'CONFIG_INVALID_VALUE', message: 'expected value: (a static default) and/or staleForMs: (serve the last good value up to this age)' }],
    },
    {
      name: 'a zero staleForMs',
      schema: `type Query { customer(id: ID!): Customer ${BOUND} @fallback(staleForMs: 0) }\n${TYPES}`,
      expected: [{ at: 'schemas/s.graphql:1:123', code: 'CONFIG_INVALID_VALUE', message: 'expected staleForMs to be a positive integer of at most 2147483647; got 0' }],
    },
  ])('$name', (c) => {
    expect(compile(c.schema).problems).toEqual(c.expected);
  });
});
