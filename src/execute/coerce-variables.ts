import {
  getVariableValues,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  Kind,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type TypeNode,
} from 'graphql';

/** Which JSON values a built-in scalar takes as they are (graphql-js returns these unchanged). */
type Accepts = (value: unknown) => boolean;

/** One variable the quick check understands: a built-in scalar, or a list of them, no default. */
interface QuickVariable {
  name: string;
  list: boolean;
  accepts: Accepts;
}

const MAX_INT = 2_147_483_647;
const ACCEPTS_BY_SCALAR = new Map<unknown, Accepts>([
  [GraphQLID, (v) => typeof v === 'string'],
  [GraphQLString, (v) => typeof v === 'string'],
  [GraphQLBoolean, (v) => typeof v === 'boolean'],
  [GraphQLInt, (v) => typeof v === 'number' && Number.isInteger(v) && v <= MAX_INT && v >= -MAX_INT - 1],
  [GraphQLFloat, (v) => typeof v === 'number' && Number.isFinite(v)],
]);

export type CoercedVariables = { coerced: Record<string, unknown>; errors?: undefined } | { errors: readonly GraphQLError[]; coerced?: undefined };

/**
 * graphql-js's variable coercion (`getVariableValues`) with a quick path in front: most
 * operations declare a few `ID!`/`String`/`Int`/`[ID!]!` variables and callers send exactly those
 * JSON types, for which coercion returns the values unchanged. The quick path checks that once per
 * operation (cached by its AST node) and per request only looks at the values' types; anything
 * else (defaults, nulls, enums, input objects, custom scalars, a value of another type, which
 * may be coerced or be an error) goes to graphql-js, so results and error messages are its own.
 */
export class VariableCoercion {
  readonly #schema: GraphQLSchema;
  readonly #quick = new WeakMap<OperationDefinitionNode, readonly QuickVariable[] | null>();

  constructor(schema: GraphQLSchema) {
    this.#schema = schema;
  }

  coerce(operation: OperationDefinitionNode, inputs: Readonly<Record<string, unknown>>): CoercedVariables {
    let quick = this.#quick.get(operation);
    if (quick === undefined) {
      quick = this.#quickPlan(operation);
      this.#quick.set(operation, quick);
    }
    if (quick !== null) {
      const coerced = quickCoerce(quick, inputs);
      if (coerced) return { coerced };
    }
    return getVariableValues(this.#schema, operation.variableDefinitions ?? [], inputs as Record<string, unknown>, { maxErrors: 50 });
  }

  #quickPlan(operation: OperationDefinitionNode): readonly QuickVariable[] | null {
    const plan: QuickVariable[] = [];
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.defaultValue !== undefined) return null;
      let type: TypeNode = definition.type;
      if (type.kind === Kind.NON_NULL_TYPE) type = type.type;
      let list = false;
      if (type.kind === Kind.LIST_TYPE) {
        list = true;
        type = type.type;
        if (type.kind !== Kind.NON_NULL_TYPE) return null; // nullable items: leave to graphql-js
        type = type.type;
      }
      if (type.kind !== Kind.NAMED_TYPE) return null;
      const accepts = ACCEPTS_BY_SCALAR.get(this.#schema.getType(type.name.value));
      if (!accepts) return null;
      plan.push({ name: definition.variable.name.value, list, accepts });
    }
    return plan;
  }
}

/** The coerced variables if every declared value is present and already of its scalar's JSON type. */
function quickCoerce(plan: readonly QuickVariable[], inputs: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const coerced: Record<string, unknown> = {};
  for (const variable of plan) {
    if (!Object.hasOwn(inputs, variable.name)) return undefined;
    const value = inputs[variable.name];
    if (variable.list) {
      if (!Array.isArray(value)) return undefined;
      for (const item of value) if (!variable.accepts(item)) return undefined;
      coerced[variable.name] = value.slice();
    } else {
      if (!variable.accepts(value)) return undefined;
      coerced[variable.name] = value;
    }
  }
  return coerced;
}
