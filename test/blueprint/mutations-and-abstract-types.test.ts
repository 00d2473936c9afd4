import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileBlueprint } from '../../src/blueprint/index.ts';

const DIRECTORY = `
baseUrl: http://directory.internal
operations:
  search:
    path: /search
    query: { q: "{q}" }
    params: { q: String }
    result: items
  getPeople:
    path: /people
    query: { ids: "{keys}" }
    batch: { maxSize: 50, keyField: id }
    result: items
  cachedPerson:
    method: POST
    path: /people
    body: { name: "{name}" }
    params: { name: String! }
    cache: { ttlMs: 1000 }
  createPerson:
    method: POST
    path: /people
    body: { name: "{name}" }
    params: { name: String! }
  replacePerson:
    method: PUT
    path: /people/{id}
    body: { name: "{name}" }
    params: { id: ID!, name: String! }
  upsertPerson:
    method: PUT
    path: /people/{id}
    body: { name: "{name}" }
    params: { id: ID!, name: String! }
    idempotent: true
`;

function compile(schema: string) {
  const loaded = checkConfigSources({ connectorFiles: [{ file: 'connectors/directory.yaml', text: DIRECTORY }], schemaFiles: [{ file: 'schemas/s.graphql', text: schema }] });
  expect(loaded.errors).toEqual([]);
  return compileBlueprint(loaded.config);
}

function problems(schema: string) {
  const compiled = compile(schema);
  return [...compiled.errors, ...compiled.warnings].map((e) => ({ at: `${e.source?.file}:${e.source?.line}:${e.source?.column}`, code: e.code, severity: e.severity, message: e.message }));
}

const QUERY = 'type Query { search(q: String): [Party] @source(connector: "directory", operation: "search", params: { q: "{args.q}" }) }\n';
const PARTIES = `type Person { id: ID! name: String }
type Company { id: ID! name: String }
`;

describe('validate: @discriminator on interfaces and unions', () => {
  test('a union whose every member is mapped compiles without problems', () => {
    expect(problems(`${QUERY}union Party @discriminator(field: "kind", map: { person: "Person", company: "Company" }) = Person | Company\n${PARTIES}`)).toEqual([]);
  });

  test.for([
    {
      name: 'a mapped type that does not exist, with a suggestion',
      schema: `${QUERY}union Party @discriminator(field: "kind", map: { person: "Persn", company: "Company" }) = Person | Company\n${PARTIES}`,
      expected: [{ at: 'schemas/s.graphql:2:58', code: 'CONFIG_UNKNOWN_REFERENCE', severity: 'error', message: 'expected a type of the schema for map.person; got "Persn". Did you mean "Person"?' }],
    },
    {
      name: 'a mapped type that is not an object type',
      schema: `${QUERY}union Party @discriminator(field: "kind", map: { person: "Person", company: "String" }) = Person | Company\n${PARTIES}`,
      expected: [{ at: 'schemas/s.graphql:2:77', code: 'CONFIG_TYPE_MISMATCH', severity: 'error', message: 'expected map.company to name an object type; String is not one' }],
    },
    {
      name: 'a mapped type that is not a member of the union',
      schema: `${QUERY}union Party @discriminator(field: "kind", map: { person: "Person", robot: "Robot" }) = Person | Company\n${PARTIES}type Robot { id: ID! }\n`,
      expected: [{ at: 'schemas/s.graphql:2:75', code: 'CONFIG_TYPE_MISMATCH', severity: 'error', message: 'expected map.robot to name a member of union Party (Person, Company); got "Robot"' }],
    },
    {
      name: 'a mapped type that does not implement the interface',
      schema: `${QUERY}interface Party @discriminator(field: "kind", map: { person: "Person", robot: "Robot" }) { id: ID! }
type Person implements Party { id: ID! name: String }
type Robot { id: ID! }
`,
      expected: [{ at: 'schemas/s.graphql:2:79', code: 'CONFIG_TYPE_MISMATCH', severity: 'error', message: 'expected map.robot to name a type that implements interface Party (Person); got "Robot"' }],
    },
    {
      name: 'a member no value maps to is a warning',
      schema: `${QUERY}union Party @discriminator(field: "kind", map: { person: "Person" }) = Person | Company\n${PARTIES}`,
      expected: [
        {
          at: 'schemas/s.graphql:2:48',
          code: 'CONFIG_UNMAPPED_TYPE',
          severity: 'warning',
          message: 'Company is a possible type of union Party but no discriminator value maps to it: a Party field never answers a Company. Add it to map.',
        },
      ],
    },
    {
      name: 'an empty discriminator field',
      schema: `${QUERY}union Party @discriminator(field: "", map: { person: "Person", company: "Company" }) = Person | Company\n${PARTIES}`,
      expected: [{ at: 'schemas/s.graphql:2:35', code: 'CONFIG_INVALID_VALUE', severity: 'error', message: 'expected field to name the upstream field that holds the type, e.g. "kind" or "meta.type"; got ""' }],
    },
    {
      name: 'a map that is not an object',
      schema: `${QUERY}union Party @discriminator(field: "kind", map: "Person") = Person | Company\n${PARTIES}`,
      expected: [{ at: 'schemas/s.graphql:2:48', code: 'CONFIG_INVALID_VALUE', severity: 'error', message: 'expected map to be an object of discriminator value → type name, e.g. { person: "Person", company: "Company" }' }],
    },
    {
      name: 'a map value that is not a string',
      schema: `${QUERY}union Party @discriminator(field: "kind", map: { person: Person, company: "Company" }) = Person | Company\n${PARTIES}`,
      expected: [{ at: 'schemas/s.graphql:2:58', code: 'CONFIG_INVALID_VALUE', severity: 'error', message: 'expected map.person to be a type name in quotes, e.g. "Person"' }],
    },
    {
      name: 'a misspelt directive argument is refused by SDL validation',
      schema: `${QUERY}union Party @discriminator(feild: "kind", map: { person: "Person", company: "Company" }) = Person | Company\n${PARTIES}`,
      expected: [{ at: 'schemas/s.graphql:2:28', code: 'CONFIG_SCHEMA_INVALID', severity: 'error', message: 'Unknown argument "feild" on directive "@discriminator". Did you mean "field"?' }],
    },
    {
      name: 'a binding on an interface field',
      schema: `${QUERY}interface Party @discriminator(field: "kind", map: { person: "Person" }) { id: ID! name: String @map(from: "full_name") }
type Person implements Party { id: ID! name: String }
`,
      expected: [
        {
          at: 'schemas/s.graphql:2:97',
          code: 'CONFIG_UNSUPPORTED',
          severity: 'error',
          message: 'expected @map on the fields of the object types that implement Party, not on the interface field Party.name: each concrete type binds its own',
        },
      ],
    },
  ])('$name', ({ schema, expected }) => {
    const found = problems(schema);
    // SDL validation also reports the missing required argument; the misspelling is what matters.
    expect(found.filter((p) => !p.message.includes('argument "field" of type "String!" is required'))).toEqual(expected);
  });
});

const MUTATION_TYPES = 'type Query { person(id: ID!): Person @source(connector: "directory", operation: "getPeople", key: "{args.id}") }\ntype Person { id: ID! name: String }\n';

describe('validate: Mutation fields', () => {
  test.for([
    {
      name: 'an unbound mutation field',
      schema: `${MUTATION_TYPES}type Mutation { createPerson(name: String!): Person }`,
      expected: [{ at: 'schemas/s.graphql:3:17', code: 'CONFIG_UNBOUND_ROOT_FIELD', message: 'expected Mutation.createPerson to be bound to a connector operation with @source(connector:, operation:)' }],
    },
    {
      name: 'a mutation bound to a batched operation',
      schema: `${MUTATION_TYPES}type Mutation { touch(id: ID!): Person @source(connector: "directory", operation: "getPeople", key: "{args.id}") }`,
      expected: [
        {
          at: 'schemas/s.graphql:3:40',
          code: 'CONFIG_INVALID_VALUE',
          message: 'expected Mutation.touch to be bound to an unbatched operation: directory.getPeople has a batch section, and a mutation is one call per field, never batched with others',
        },
      ],
    },
    {
      name: 'a mutation bound to a cached operation',
      schema: `${MUTATION_TYPES}type Mutation { createPerson(name: String!): Person @source(connector: "directory", operation: "cachedPerson", params: { name: "{args.name}" }) }`,
      expected: [
        {
          at: 'schemas/s.graphql:3:53',
          code: 'CONFIG_INVALID_VALUE',
          message: 'expected Mutation.createPerson to be bound to an operation without cache: directory.cachedPerson caches answers for 1000 ms, and a cached answer would skip the write',
        },
      ],
    },
    {
      name: 'a computed mutation field',
      schema: `${MUTATION_TYPES}type Mutation { ping: String @computed(expr: "'pong'") }`,
      expected: [{ at: 'schemas/s.graphql:3:17', code: 'CONFIG_UNSUPPORTED', message: "expected Mutation.ping to be bound with @source: a mutation field is a call upstream, @computed cannot stand for it" }],
    },
    {
      name: 'a mutation field with @fallback',
      schema: `${MUTATION_TYPES}type Mutation { createPerson(name: String!): Person @source(connector: "directory", operation: "createPerson", params: { name: "{args.name}" }) @fallback(value: null) }`,
      expected: [
        {
          at: 'schemas/s.graphql:3:145',
          code: 'CONFIG_UNSUPPORTED',
          message: 'expected no @fallback on Mutation.createPerson: a write that failed must say so, not answer a stale or default value',
        },
      ],
    },
    {
      name: 'a Subscription type',
      schema: `${MUTATION_TYPES}type Subscription { people: Person }`,
      expected: [{ at: 'schemas/s.graphql:3:1', code: 'CONFIG_UNSUPPORTED', message: 'expected Query and Mutation roots only; Subscription is not supported yet' }],
    },
  ])('$name', ({ schema, expected }) => {
    expect(problems(schema).map(({ severity: _severity, ...rest }) => rest)).toEqual(expected);
  });

  test.for([
    // HTTP calls PUT idempotent, but a mutation retries only when its operation says so.
    { operation: 'createPerson', params: '{ name: "{args.name}" }', idempotent: false },
    { operation: 'replacePerson', params: '{ id: "{args.id}", name: "{args.name}" }', idempotent: false },
    { operation: 'upsertPerson', params: '{ id: "{args.id}", name: "{args.name}" }', idempotent: true },
  ])('$operation bound from Mutation is idempotent: $idempotent', ({ operation, params, idempotent }) => {
    const { blueprint, errors } = compile(
      `${MUTATION_TYPES}type Mutation { write(id: ID, name: String!): Person @source(connector: "directory", operation: "${operation}", params: ${params}) }
extend type Query { read(id: ID, name: String!): Person @source(connector: "directory", operation: "${operation}", params: ${params}) }`,
    );
    expect(errors).toEqual([]);
    expect(blueprint!.fields.get('Mutation')!.get('write')!.binding!.operation.policy.idempotent).toBe(idempotent);
    // The same operation bound from Query keeps its own policy: PUT there is whatever the connector says.
    expect(blueprint!.operations.get(`directory.${operation}`)!.policy.idempotent).toBe(operation === 'upsertPerson');
  });
});
