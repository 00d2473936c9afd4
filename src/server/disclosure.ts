import { GraphQLError } from 'graphql';
import { ErrorCodes } from '../errors/codes.ts';

/** The scope that lets a caller see the schema: introspection and "Did you mean" suggestions. */
export const INTROSPECT_SCOPE = 'introspect';

/**
 * Whether a caller is kept from learning the schema: authentication is on (a verified caller
 * has a scope set; while it is off there is none) and the caller lacks `introspect`.
 */
export function hidesSchema(scopes: ReadonlySet<string> | undefined): boolean {
  return scopes !== undefined && !scopes.has(INTROSPECT_SCOPE);
}

/** The refusal of `__schema` / `__type` for such a caller (`__typename` is always served). */
export function introspectionRefused(): GraphQLError {
  return new GraphQLError(`Introspection is not allowed for this caller: it needs the scope "${INTROSPECT_SCOPE}".`, { extensions: { code: ErrorCodes.INTROSPECTION_DISABLED } });
}

// graphql-js ends a message with its suggestions: `... Did you mean "name" or "email"?`
const SUGGESTION = / Did you mean .*\?$/s;

/** graphql-js's message without its suggestions, which would enumerate field, type and argument names. */
export function withoutSuggestions(error: GraphQLError): GraphQLError {
  if (!SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions: error.extensions });
}
