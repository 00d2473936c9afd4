import { isListType, isNonNullType, isLeafType, getNamedType, isEnumType, Kind, type GraphQLType, type TypeNode } from 'graphql';

/** Which source scalar types may feed a param of a given named type (IDs are strings or ints upstream). */
const ACCEPTS: Record<string, readonly string[]> = {
  ID: ['ID', 'String', 'Int'],
  String: ['String', 'ID'],
  Int: ['Int'],
  Float: ['Float', 'Int'],
  Boolean: ['Boolean'],
};

/** Whether a value of `source` type can feed a param written as `param` (nullability aside). */
export function isParamCompatible(param: TypeNode, source: GraphQLType): boolean {
  const p = param.kind === Kind.NON_NULL_TYPE ? param.type : param;
  const s = isNonNullType(source) ? source.ofType : source;
  if (p.kind === Kind.LIST_TYPE) return isListType(s) && isParamCompatible(p.type, s.ofType);
  if (isListType(s)) return false;
  const name = p.name.value;
  if (isEnumType(s)) return name === 'String' || name === s.name;
  return (ACCEPTS[name] ?? [name]).includes(s.name);
}

/** Prints a param's type node as it was written (`[ID!]!`). */
export function printTypeNode(node: TypeNode): string {
  if (node.kind === Kind.NON_NULL_TYPE) return `${printTypeNode(node.type)}!`;
  if (node.kind === Kind.LIST_TYPE) return `[${printTypeNode(node.type)}]`;
  return node.name.value;
}

/** True for a scalar or enum, nullable or not: what a batch key must be. */
export function isLeafValueType(type: GraphQLType): boolean {
  const t = isNonNullType(type) ? type.ofType : type;
  return isLeafType(t);
}

/** True for `[Leaf]`, `[Leaf!]!` and so on: what `keys` must be. */
export function isListOfLeaves(type: GraphQLType): boolean {
  const t = isNonNullType(type) ? type.ofType : type;
  return isListType(t) && isLeafValueType(t.ofType);
}

/** True if the (possibly non-null) type is a list. */
export function isListLike(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

export { getNamedType };
