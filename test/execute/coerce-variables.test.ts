import { describe, expect, test } from 'vitest';
import { buildSchema, getVariableValues, parse, type OperationDefinitionNode } from 'graphql';
import { VariableCoercion } from '../../src/execute/coerce-variables.ts';

const schema = buildSchema(`
  enum Tier { GOLD SILVER }
  scalar Date
  type Query { f(id: ID, s: String, i: Int, x: Float, b: Boolean, ids: [ID!], t: Tier, d: Date, n: [Int]): String }
`);
const coercion = new VariableCoercion(schema);

function operation(text: string): OperationDefinitionNode {
  return parse(text).definitions[0] as OperationDefinitionNode;
}

// Each case must give exactly what graphql-js gives: the same values or the same error messages.
describe('variable coercion matches graphql-js', () => {
  test.for([
    { vars: '($id: ID!)', inputs: { id: '42' } },
    { vars: '($id: ID!)', inputs: { id: 42 } },
    { vars: '($id: ID!)', inputs: {} },
    { vars: '($id: ID!)', inputs: { id: null } },
    { vars: '($id: ID)', inputs: {} },
    { vars: '($id: ID = "7")', inputs: {} },
    { vars: '($s: String, $i: Int, $x: Float, $b: Boolean)', inputs: { s: 'a', i: 3, x: 1.5, b: true } },
    { vars: '($i: Int!)', inputs: { i: 2 ** 31 } },
    { vars: '($i: Int!)', inputs: { i: 1.5 } },
    { vars: '($x: Float!)', inputs: { x: 3 } },
    { vars: '($s: String!)', inputs: { s: 5 } },
    { vars: '($ids: [ID!]!)', inputs: { ids: ['1', '2'] } },
    { vars: '($ids: [ID!]!)', inputs: { ids: '1' } },
    { vars: '($ids: [ID!]!)', inputs: { ids: ['1', null] } },
    { vars: '($n: [Int])', inputs: { n: [1, null] } },
    { vars: '($t: Tier!)', inputs: { t: 'GOLD' } },
    { vars: '($t: Tier!)', inputs: { t: 'BRONZE' } },
    { vars: '($d: Date!)', inputs: { d: '2020-01-01' } },
    { vars: '', inputs: { extra: 1 } },
  ])('$vars with $inputs', ({ vars, inputs }) => {
    const op = operation(`query Q${vars} { f }`);
    const expected = getVariableValues(schema, op.variableDefinitions ?? [], inputs, { maxErrors: 50 });
    const actual = coercion.coerce(op, inputs);
    const again = coercion.coerce(op, inputs); // second call uses the cached per-operation check
    for (const result of [actual, again]) {
      expect(result.coerced).toEqual(expected.coerced);
      expect(result.errors?.map((e) => e.message)).toEqual(expected.errors?.map((e) => e.message));
    }
  });

  test('a list value is copied, not shared with the caller', () => {
    const ids = ['1', '2'];
    const result = coercion.coerce(operation('query Q($ids: [ID!]!) { f }'), { ids });
    expect(result.coerced?.ids).toEqual(ids);
    expect(result.coerced?.ids).not.toBe(ids);
  });
});
