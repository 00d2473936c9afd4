import {
  getNamedType,
  getNullableType,
  isListType,
  isCompositeType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { MAX_NESTING } from './operation-limits.ts';

/** A cost that is known once, or that depends on the request's variables (`ids: $ids`). */
export type Cost = number | ((variables: Readonly<Record<string, unknown>>) => number);

/** What the limits compare, measured once per operation of a cached document. */
export interface OperationMeasures {
  depth: number;
  aliases: number;
  rootFields: number;
  directives: number;
  cost: Cost;
}

/** Numeric arguments that say how many items a list field returns (`orders(limit: 3)`). */
const COUNT_ARGUMENTS = ['limit', 'first', 'last'];
/** List arguments whose length is the number of items returned (`customers(ids: [...])`). */
const LENGTH_ARGUMENTS = ['ids', 'keys'];

interface Measure {
  depth: number;
  aliases: number;
  fields: number;
  cost: Cost;
}

/** Thrown when fragments nest fields deeper than any limit may allow; reported as DEPTH_LIMIT. */
export class TooDeep extends Error {}

/**
 * Measures a validated operation, following its fragments (each fragment is measured once, so a
 * fragment spread many times costs one walk, and counts with its multiplicity).
 *
 * The cost is the number of field values the operation may produce: each field counts 1, and the
 * fields below a list count once per item. A list's size is its `limit`/`first`/`last` argument,
 * the length of its `ids`/`keys` argument, that argument's declared default, or `defaultListSize`.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  defaultListSize: number,
): OperationMeasures {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const memo = new Map<string, Measure>();
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType | undefined, at: number): Measure => {
    if (at > MAX_NESTING) throw new TooDeep();
    let depth = 0;
    let aliases = 0;
    let fields = 0;
    const costs: Cost[] = [];
    const add = (m: Measure): void => {
      depth = Math.max(depth, m.depth);
      aliases += m.aliases;
      fields += m.fields;
      costs.push(m.cost);
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        fields += 1;
        if (selection.alias) aliases += 1;
        const definition = parent && 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        const below = selection.selectionSet ? walk(selection.selectionSet, compositeOf(definition), at + 1) : undefined;
        depth = Math.max(depth, 1 + (below?.depth ?? 0));
        aliases += below?.aliases ?? 0;
        costs.push(below ? sum([1, product(listSize(selection, definition, defaultListSize), below.cost)]) : 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(walk(selection.selectionSet, type && isCompositeType(type) ? type : undefined, at));
      } else {
        const name = selection.name.value;
        let measured = memo.get(name);
        if (!measured) {
          const fragment = fragments.get(name);
          if (!fragment) continue; // validation refuses unknown fragments; nothing to measure
          const type = schema.getType(fragment.typeCondition.name.value);
          measured = walk(fragment.selectionSet, type && isCompositeType(type) ? type : undefined, at);
          memo.set(name, measured);
        }
        add(measured);
      }
    }
    return { depth, aliases, fields, cost: sum(costs) };
  };
  const measured = walk(operation.selectionSet, root ?? undefined, 1);
  let directives = 0;
  visit(document, { Directive: () => void (directives += 1) });
  return { depth: measured.depth, aliases: measured.aliases, rootFields: measured.fields, directives, cost: measured.cost };
}

function compositeOf(definition: GraphQLField<unknown, unknown> | undefined): GraphQLCompositeType | undefined {
  if (!definition) return undefined;
  const named = getNamedType(definition.type);
  return isCompositeType(named) ? named : undefined;
}

/** How many items a field's list holds, as far as its arguments and the schema tell. */
function listSize(node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined, defaultListSize: number): Cost {
  if (!definition || !isListType(getNullableType(definition.type))) return 1;
  for (const arg of node.arguments ?? []) {
    const name = arg.name.value;
    if (COUNT_ARGUMENTS.includes(name)) return countOf(arg.value, declaredCount(definition, name) ?? defaultListSize);
    if (LENGTH_ARGUMENTS.includes(name)) return lengthOf(arg.value);
  }
  for (const name of COUNT_ARGUMENTS) {
    const declared = declaredCount(definition, name);
    if (declared !== undefined) return declared;
  }
  return defaultListSize;
}

function declaredCount(definition: GraphQLField<unknown, unknown>, name: string): number | undefined {
  const value = definition.args.find((a) => a.name === name)?.defaultValue;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

function countOf(value: ValueNode, fallback: number): Cost {
  if (value.kind === Kind.INT) return Math.max(0, Number(value.value));
  if (value.kind === Kind.VARIABLE) {
    const variable = value.name.value;
    return (variables) => {
      const given = variables[variable];
      return typeof given === 'number' && Number.isFinite(given) ? Math.max(0, given) : fallback;
    };
  }
  return fallback;
}

function lengthOf(value: ValueNode): Cost {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const variable = value.name.value;
    return (variables) => {
      const given = variables[variable];
      return Array.isArray(given) ? given.length : 1; // a single value is coerced to a list of one
    };
  }
  return 1;
}

function sum(costs: readonly Cost[]): Cost {
  let constant = 0;
  const dynamic: ((variables: Readonly<Record<string, unknown>>) => number)[] = [];
  for (const cost of costs) {
    if (typeof cost === 'number') constant += cost;
    else dynamic.push(cost);
  }
  if (dynamic.length === 0) return constant;
  return (variables) => {
    let total = constant;
    for (const cost of dynamic) total += cost(variables);
    return total;
  };
}

function product(size: Cost, inner: Cost): Cost {
  if (typeof size === 'number' && typeof inner === 'number') return size * inner;
  return (variables) => (typeof size === 'number' ? size : size(variables)) * (typeof inner === 'number' ? inner : inner(variables));
}

/** The cost for these variables. */
export function costFor(cost: Cost, variables: Readonly<Record<string, unknown>> | undefined | null): number {
  return typeof cost === 'number' ? cost : cost(variables ?? {});
}
