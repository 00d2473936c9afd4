import { GraphQLBoolean, GraphQLError, GraphQLFloat, GraphQLID, GraphQLInt, GraphQLString, type GraphQLLeafType } from 'graphql';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * Serialises a value for a scalar or enum position of the public schema, strictly: graphql-js's
 * own `serialize` (16.x, the reference), except that truth values and numbers are never turned
 * into each other. graphql-js's Boolean.serialize makes any non-zero number `true` (an upstream's
 * `412` became a flag) and Int/Float.serialize make `true` a `1`; both hide an upstream or
 * mapping mistake behind a plausible value, so here they throw graphql-js's own message for a
 * value of the wrong kind. Everything else is graphql-js's rule: String takes numbers and
 * booleans, ID takes integers, Int and Float take numeric strings, an enum takes only its
 * values, a custom scalar declared in SDL passes values through. Throws a GraphQLError (the
 * caller turns it into RESULT_INVALID_VALUE at the field's position).
 *
 * The values each built-in scalar returns unchanged are answered without the call, as the
 * compiled shapers' inline tests do (execute/shape-result.ts), so the common case costs a typeof.
 */
export function serializeLeaf(type: GraphQLLeafType, value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (type === GraphQLString || type === GraphQLID) return value;
      break;
    case 'number':
      if (type === GraphQLFloat ? Number.isFinite(value) : type === GraphQLInt && Number.isInteger(value) && value <= INT32_MAX && value >= INT32_MIN) return value;
      if (type === GraphQLBoolean) throw new GraphQLError(`Boolean cannot represent a non boolean value: ${String(value)}`);
      break;
    case 'boolean':
      if (type === GraphQLBoolean) return value;
      if (type === GraphQLInt) throw new GraphQLError(`Int cannot represent non-integer value: ${String(value)}`);
      if (type === GraphQLFloat) throw new GraphQLError(`Float cannot represent non numeric value: ${String(value)}`);
      break;
  }
  return type.serialize(value);
}

/** The JS test, over the expression `x`, under which serializeLeaf returns `x` unchanged for a built-in scalar; undefined for other types. */
export function unchangedLeafTest(type: GraphQLLeafType, x: string): string | undefined {
  if (type === GraphQLString || type === GraphQLID) return `typeof ${x} === "string"`;
  if (type === GraphQLInt) return `(typeof ${x} === "number" && Number.isInteger(${x}) && ${x} <= ${INT32_MAX} && ${x} >= ${INT32_MIN})`;
  if (type === GraphQLFloat) return `(typeof ${x} === "number" && Number.isFinite(${x}))`;
  if (type === GraphQLBoolean) return `typeof ${x} === "boolean"`;
  return undefined;
}
