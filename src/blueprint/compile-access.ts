import { Kind, type ConstDirectiveNode, type ConstValueNode, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { getNamedType, isObjectType } from 'graphql';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { locateNode } from './graphql-location.ts';
import type { ScopeRequirement } from './ir.ts';

/** Field access by scope, declared by the gateway (removed from the public schema). */
export const ACCESS_DIRECTIVE = 'requiresScopes';
export const ACCESS_DIRECTIVE_SDL = /* GraphQL */ `
directive @requiresScopes(scopes: [[String!]!]!) on OBJECT | FIELD_DEFINITION
`;
const SCOPE = /^[\x21-\x7e]{1,128}$/;

/**
 * `@requiresScopes(scopes: [["a", "b"], ["c"]])`: the caller needs every scope of at least one
 * inner list ("a and b, or c"), as in Apollo Federation. On an object type it guards every field
 * of the type and every field that returns it; on a field, that field. A field's requirement is
 * all of these together, compiled once here into one list of alternatives lists.
 */
export function compileAccess(schema: GraphQLSchema, type: GraphQLObjectType, fieldName: string, errors: ConfigError[]): ScopeRequirement | undefined {
  const field = type.getFields()[fieldName]!;
  const parts: (readonly (readonly string[])[])[] = [];
  const own = readDirective(field.astNode?.directives, `schemas.${type.name}.${fieldName}`, errors);
  if (own) parts.push(own);
  const ofParent = typeRequirement(type, errors);
  if (ofParent) parts.push(ofParent);
  const returned = getNamedType(field.type);
  if (isObjectType(returned) && returned !== type) {
    const ofReturned = typeRequirement(schema.getType(returned.name) as GraphQLObjectType, errors);
    if (ofReturned) parts.push(ofReturned);
  }
  return parts.length === 0 ? undefined : Object.freeze(parts);
}

/** Whether `scopes` meet every part of a requirement. */
export function satisfies(requirement: ScopeRequirement, scopes: ReadonlySet<string>): boolean {
  return requirement.every((alternatives) => alternatives.some((all) => all.every((scope) => scopes.has(scope))));
}

/** How a requirement reads in an error: `hr:read`, `a and b, or c`. */
export function describeRequirement(requirement: ScopeRequirement): string {
  return requirement.map((alternatives) => alternatives.map((all) => all.join(' and ')).join(', or ')).join('; and ');
}

/** Every scope a requirement names. */
export function scopesOf(requirement: ScopeRequirement): string[] {
  return requirement.flat(2);
}

// One reading (and one error report) per type, however many of its fields ask.
const typeRequirements = new WeakMap<GraphQLObjectType, readonly (readonly string[])[] | null>();

function typeRequirement(type: GraphQLObjectType, errors: ConfigError[]): readonly (readonly string[])[] | undefined {
  let known = typeRequirements.get(type);
  if (known === undefined) {
    const directives = [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []);
    known = readDirective(directives, `schemas.${type.name}`, errors) ?? null;
    typeRequirements.set(type, known);
  }
  return known ?? undefined;
}

function readDirective(directives: readonly ConstDirectiveNode[] | undefined, configPath: string, errors: ConfigError[]): readonly (readonly string[])[] | undefined {
  const directive = directives?.find((d) => d.name.value === ACCESS_DIRECTIVE);
  if (!directive) return undefined;
  const node = directive.arguments?.find((a) => a.name.value === 'scopes')?.value;
  const fail = (message: string, at: ConstValueNode | ConstDirectiveNode) => errors.push(new ConfigError(ErrorCodes.CONFIG_INVALID_VALUE, message, { source: locateNode(at), configPath }));
  // A single list is coerced by GraphQL into one alternative; a bare string into [[s]].
  const outer = node?.kind === Kind.LIST ? node.values : node ? [node] : [];
  if (outer.length === 0) {
    fail('expected scopes: [["scope"]] with at least one list of scopes (any one list suffices; every scope of it is needed)', node ?? directive);
    return undefined;
  }
  const out: string[][] = [];
  for (const alternative of outer) {
    const inner = alternative.kind === Kind.LIST ? alternative.values : [alternative];
    const scopes: string[] = [];
    for (const scope of inner) {
      if (scope.kind === Kind.STRING && SCOPE.test(scope.value)) scopes.push(scope.value);
      else fail('expected a scope: 1 to 128 printable characters without spaces, such as "pii:read"', scope);
    }
    if (inner.length === 0) fail('expected at least one scope in each list (an empty list would let everyone in)', alternative);
    out.push(scopes);
  }
  return Object.freeze(out.map((s) => Object.freeze(s)));
}
