import { getArgumentValues, isNonNullType, Kind, valueFromAST, type FieldNode, type GraphQLArgument, type GraphQLField, type ValueNode } from 'graphql';

/** A field's argument values for one request's (already coerced) variables. */
export type ArgumentReader = (variables: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>;

/** How one argument gets its value: fixed at plan time, or read from one variable. */
type ArgumentSource =
  | { name: string; constant: unknown }
  | { name: string; variable: string; defaultValue: unknown; nonNull: boolean };

/**
 * Compiles what graphql-js's `getArgumentValues` does for a field into a closure built once per
 * plan: arguments with no variable in them are computed here, once (all of them by graphql-js
 * when no argument has a variable); an argument that is exactly one variable reads it. Variables arrive coerced, so the value is the variable's, as
 * `valueFromAST` would return it (graphql-js builds a map of the argument nodes and walks every
 * definition per call: ~1 % of a profile request's CPU). A variable inside a list or an input
 * object, or any case where graphql-js would raise (a missing or null non-null value), is left to
 * graphql-js itself, so values and errors stay exactly its own.
 */
export function argumentReader(definition: GraphQLField<unknown, unknown>, node: FieldNode): ArgumentReader {
  // No variable anywhere: graphql-js computes them once, here (and raises here if it must).
  if ((node.arguments ?? []).every((a) => !containsVariable(a.value))) {
    const constant = getArgumentValues(definition, node, {});
    return () => constant;
  }
  const viaGraphql: ArgumentReader = (variables) => getArgumentValues(definition, node, variables as Record<string, unknown>);
  const nodes = new Map((node.arguments ?? []).map((a) => [a.name.value, a.value]));
  const sources: ArgumentSource[] = [];
  for (const arg of definition.args) {
    const source = sourceOf(arg, nodes.get(arg.name));
    if (source === null) return viaGraphql;
    if (source !== undefined) sources.push(source);
  }
  return (variables) => {
    const values: Record<string, unknown> = {};
    for (const source of sources) {
      if ('constant' in source) {
        values[source.name] = source.constant;
        continue;
      }
      if (!Object.hasOwn(variables, source.variable)) {
        if (source.defaultValue !== undefined) values[source.name] = source.defaultValue;
        else if (source.nonNull) return viaGraphql(variables); // its error
        continue;
      }
      const value = variables[source.variable];
      if (value === undefined || (value === null && source.nonNull)) return viaGraphql(variables); // its error
      values[source.name] = value;
    }
    return values;
  };
}

/** undefined: the argument has no value (absent, no default); null: graphql-js must decide. */
function sourceOf(arg: GraphQLArgument, value: ValueNode | undefined): ArgumentSource | undefined | null {
  const nonNull = isNonNullType(arg.type);
  if (value === undefined) {
    if (arg.defaultValue !== undefined) return { name: arg.name, constant: arg.defaultValue };
    return nonNull ? null : undefined;
  }
  if (value.kind === Kind.VARIABLE) return { name: arg.name, variable: value.name.value, defaultValue: arg.defaultValue, nonNull };
  if (containsVariable(value)) return null;
  if (value.kind === Kind.NULL && nonNull) return null;
  const constant = valueFromAST(value, arg.type, {});
  return constant === undefined ? null : { name: arg.name, constant };
}

function containsVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(containsVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((f) => containsVariable(f.value));
  return false;
}
