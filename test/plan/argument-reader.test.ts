import { buildSchema, getArgumentValues, parse, type FieldNode, type GraphQLObjectType, type OperationDefinitionNode } from 'graphql';
import { describe, expect, test } from 'vitest';
import { argumentReader } from '../../src/plan/argument-reader.ts';

const schema = buildSchema(`
  input Filter { status: String, since: Int }
  type Query {
    customers(id: ID!, limit: Int = 10, filter: Filter, tags: [String], active: Boolean, order: String = "asc"): [String]
  }
`);
const field = (schema.getType('Query') as GraphQLObjectType).getFields().customers!;

function fieldNode(document: string): FieldNode {
  const operation = parse(document).definitions[0] as OperationDefinitionNode;
  return operation.selectionSet.selections[0] as FieldNode;
}

/** What graphql-js gives (its value, or its error's message), the reference the reader must match. */
function outcome(read: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('argumentReader gives what graphql-js getArgumentValues gives', () => {
  test.each([
    { name: 'literals only', document: '{ customers(id: "c1", limit: 3, active: true) }', variables: {} },
    { name: 'literal list and object', document: '{ customers(id: "c1", tags: ["a", "b"], filter: { status: "open" }) }', variables: {} },
    { name: 'a variable per argument', document: 'query($id: ID!, $limit: Int) { customers(id: $id, limit: $limit) }', variables: { id: 'c7', limit: 5 } },
    { name: 'a variable not sent takes the argument default', document: 'query($id: ID!, $limit: Int) { customers(id: $id, limit: $limit) }', variables: { id: 'c7' } },
    { name: 'a variable sent as null overrides the default', document: 'query($id: ID!, $limit: Int) { customers(id: $id, limit: $limit) }', variables: { id: 'c7', limit: null } },
    { name: 'a variable not sent and no default: the argument is absent', document: 'query($id: ID!, $a: Boolean) { customers(id: $id, active: $a) }', variables: { id: 'c7' } },
    { name: 'a list variable', document: 'query($id: ID!, $tags: [String]) { customers(id: $id, tags: $tags) }', variables: { id: 'c7', tags: ['x'] } },
    { name: 'an input object variable', document: 'query($id: ID!, $f: Filter) { customers(id: $id, filter: $f) }', variables: { id: 'c7', f: { since: 3 } } },
    { name: 'a variable inside a list', document: 'query($id: ID!, $t: String) { customers(id: $id, tags: ["a", $t]) }', variables: { id: 'c7', t: 'b' } },
    { name: 'a variable inside an input object', document: 'query($id: ID!, $s: String) { customers(id: $id, filter: { status: $s }) }', variables: { id: 'c7', s: 'closed' } },
    { name: 'mixed literal and variable', document: 'query($id: ID!) { customers(id: $id, limit: 2, order: "desc") }', variables: { id: 'c9' } },
    { name: 'a non-null argument whose variable is missing', document: 'query($id: ID) { customers(id: $id) }', variables: {} },
    { name: 'a non-null argument whose variable is null', document: 'query($id: ID) { customers(id: $id) }', variables: { id: null } },
    { name: 'a non-null argument left out', document: '{ customers(limit: 1) }', variables: {} },
  ])('$name', ({ document, variables }) => {
    const node = fieldNode(document);
    const expected = outcome(() => getArgumentValues(field, node, variables));
    // With no variable in it, a field's arguments are computed (or refused) as the reader is built, at plan time.
    let read: ReturnType<typeof argumentReader> | undefined;
    expect(outcome(() => (read = argumentReader(field, node))(variables))).toEqual(expected);
    // Compiled once, read many times: a second request is read afresh.
    if (read) expect(outcome(() => read!({ ...variables }))).toEqual(expected);
  });

  test('one reader serves requests with different variables', () => {
    const node = fieldNode('query($id: ID!, $limit: Int) { customers(id: $id, limit: $limit) }');
    const read = argumentReader(field, node);
    expect(read({ id: 'a', limit: 1 })).toEqual({ id: 'a', limit: 1, order: 'asc' });
    expect(read({ id: 'b' })).toEqual({ id: 'b', limit: 10, order: 'asc' });
  });
});
