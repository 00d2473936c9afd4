import { buildSchema, parse, Kind, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, test } from 'vitest';
import { costFor, measureOperation } from '../../src/limits/measure-operation.ts';
import { checkConfigSources } from '../../src/config/index.ts';

const SCHEMA = buildSchema(`
  type Query { customers(ids: [ID!]!): [Customer] customer(id: ID!): Customer search(first: Int): [Customer] }
  type Customer { id: ID! name: String orders(limit: Int = 10): [Order] tags: [String] friends: [Customer] }
  type Order { id: ID! total: Int }
`);

function measure(text: string, defaultListSize = 10) {
  const document = parse(text);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  return measureOperation(SCHEMA, document, operation, fragments, defaultListSize);
}

describe('the cost estimate', () => {
  test.for([
    { name: 'the documented example', query: '{ customers(ids: ["1", "2"]) { id name orders(limit: 3) { id } } }', cost: 13 },
    { name: "an argument's schema default (limit = 10)", query: '{ customer(id: "1") { orders { id total } } }', cost: 1 + (1 + 10 * 2) },
    { name: 'a list without a size argument: defaultListSize', query: '{ customer(id: "1") { friends { id } } }', cost: 1 + (1 + 10 * 1) },
    { name: 'a list of leaves counts 1', query: '{ customer(id: "1") { tags } }', cost: 2 },
    { name: 'first: as a literal', query: '{ search(first: 4) { id name } }', cost: 1 + 4 * 2 },
    { name: 'ids from a variable', query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id } }', variables: { ids: ['1', '2', '3'] }, cost: 1 + 3 },
    { name: 'first from a variable', query: 'query ($n: Int) { search(first: $n) { id } }', variables: { n: 7 }, cost: 1 + 7 },
    { name: 'first from an absent variable: defaultListSize', query: 'query ($n: Int) { search(first: $n) { id } }', variables: {}, cost: 1 + 10 },
    { name: 'fragments count with their multiplicity', query: '{ a: customer(id: "1") { ...F } b: customer(id: "2") { ...F } } fragment F on Customer { id name }', cost: 2 * (1 + 2) },
  ])('$name', ({ query, variables, cost }) => {
    expect(costFor(measure(query).cost, variables)).toBe(cost);
  });

  test('a cost with no variable list sizes is a number, computed once', () => {
    expect(typeof measure('{ customers(ids: ["1"]) { id } }').cost).toBe('number');
  });
});

describe('depth, aliases, root fields and directives', () => {
  test('follow fragments and inline fragments', () => {
    const m = measure('{ customer(id: "1") { ...F x: id } other: customer(id: "2") @include(if: true) { id } ... on Query { __typename } } fragment F on Customer { friends { friends { n: name } } }');
    expect({ depth: m.depth, aliases: m.aliases, rootFields: m.rootFields, directives: m.directives }).toEqual({ depth: 4, aliases: 3, rootFields: 3, directives: 1 });
  });

  test('fragments that fan out exponentially are measured in one walk each', () => {
    const levels = 40; // 2^40 field instances if each spread were walked again
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Customer { a${i}: id ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : ''} }`).join('\n');
    const m = measure(`{ customer(id: "1") { ...F0 } } ${fragments}`);
    expect(m.aliases).toBe(2 ** levels - 1);
  });
});

describe('limits: in gateway.yaml', () => {
  const errorsOf = (text: string) =>
    checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: 'gateway.yaml', text } }, {}).errors.map((e) => ({
      code: e.code,
      line: e.source?.line,
      column: e.source?.column,
      path: e.configPath,
      message: e.message,
    }));

  test.for([
    {
      name: 'a misspelt limit, with a suggestion',
      yaml: 'limits:\n  maxDeph: 5\n',
      errors: [
        {
          code: 'CONFIG_UNKNOWN_KEY',
          line: 2,
          column: 3,
          path: 'gateway.limits.maxDeph',
          message: 'expected one of the keys maxDocumentBytes, maxTokens, maxDepth, maxAliases, maxRootFields, maxDirectives, maxCost, defaultListSize, callers; got "maxDeph". Did you mean "maxDepth"?',
        },
      ],
    },
    {
      name: 'a depth past what the parser guard allows',
      yaml: 'limits:\n  maxDepth: 500\n',
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 2, column: 13, path: 'gateway.limits.maxDepth', message: 'expected a positive integer of at most 200; got 500' }],
    },
    {
      name: 'a per-caller value that is not a number, and defaultListSize per caller',
      yaml: 'limits:\n  callers:\n    svc-a: { maxCost: lots, defaultListSize: 3 }\n',
      errors: [
        { code: 'CONFIG_INVALID_VALUE', line: 3, column: 23, path: 'gateway.limits.callers.svc-a.maxCost', message: 'expected a positive integer; got "lots"' },
        {
          code: 'CONFIG_UNKNOWN_KEY',
          line: 3,
          column: 29,
          path: 'gateway.limits.callers.svc-a.defaultListSize',
          message: 'expected one of the keys maxDocumentBytes, maxTokens, maxDepth, maxAliases, maxRootFields, maxDirectives, maxCost; got "defaultListSize"',
        },
      ],
    },
  ])('$name', ({ yaml, errors }) => {
    expect(errorsOf(yaml)).toEqual(errors);
  });

  test('good values are read', () => {
    const { config, errors } = checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: 'gateway.yaml', text: 'limits:\n  maxDepth: 8\n  defaultListSize: 3\n  callers:\n    svc-a: { maxCost: 99 }\n' } }, {});
    expect(errors).toEqual([]);
    expect(config.gateway.limits).toEqual({ default: { maxDepth: 8, defaultListSize: 3 }, callers: { 'svc-a': { maxCost: 99 } } });
  });
});

describe('server: front door settings in gateway.yaml', () => {
  test('a headers timeout longer than the body timeout is refused at its line', () => {
    const { errors } = checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: 'gateway.yaml', text: 'server:\n  headersTimeoutMs: 40000\n' } }, {});
    expect(errors.map((e) => [e.code, e.source?.line, e.source?.column, e.message])).toEqual([
      ['CONFIG_INVALID_VALUE', 2, 21, 'expected server.headersTimeoutMs (40000) to be at most server.bodyTimeoutMs (30000): the whole request includes its headers'],
    ]);
  });

  test('the settings are read', () => {
    const { config, errors } = checkConfigSources(
      { connectorFiles: [], schemaFiles: [], gatewayFile: { file: 'gateway.yaml', text: 'server:\n  maxBodyBytes: 2048\n  headersTimeoutMs: 500\n  bodyTimeoutMs: 900\n  maxConnections: 7\n' } },
      {},
    );
    expect(errors).toEqual([]);
    expect(config.gateway.server).toMatchObject({ maxBodyBytes: 2048, headersTimeoutMs: 500, bodyTimeoutMs: 900, maxConnections: 7 });
  });
});
