import { GraphQLError, type ASTNode } from 'graphql';
import { GatewayError } from './gateway-error.ts';
import { ErrorCodes } from './codes.ts';

/** Detail keys that are safe for callers; everything else stays in the log. */
const PUBLIC_DETAILS = ['connector', 'operation', 'status', 'upstreamCode', 'upstreamMessage', 'reason', 'argument', 'position', 'grpcStatus', 'exception', 'thriftError'] as const;

/**
 * Turns any error met while executing into the GraphQL error a caller sees. A GatewayError keeps
 * its message and stable code; anything else is our bug or an unknown failure, so it is masked
 * (graphql-yoga's mask-error idea) and handed to `onUnexpected` for the log. A gateway in dev
 * mode adds the error's diagnosis (the URL called, the socket error, the attempts, the keys an
 * answer had) to the message and as `extensions.diagnosis`; in production that stays in the log.
 */
export function toGraphQLError(
  error: unknown,
  path: readonly (string | number)[] | undefined,
  onUnexpected: (error: unknown) => void,
  /** The field's nodes in the document: they give the error its `locations` (spec §7.1.2). */
  nodes?: readonly ASTNode[],
  dev = false,
): GraphQLError {
  if (error instanceof GatewayError) {
    const extensions: Record<string, unknown> = { code: error.code };
    for (const key of PUBLIC_DETAILS) {
      if (error.details[key] !== undefined) extensions[key] = error.details[key];
    }
    const diagnosis = dev ? error.diagnosis : undefined;
    if (diagnosis === undefined) return new GraphQLError(error.message, { nodes, path, extensions });
    extensions.diagnosis = diagnosis.facts;
    const message = `${error.message}${/[.!?]$/.test(error.message) ? '' : '.'} ${diagnosis.text}`;
    return new GraphQLError(message, { nodes, path, extensions });
  }
  if (error instanceof GraphQLError && error.extensions?.code) return error;
  onUnexpected(error);
  return new GraphQLError('Unexpected error.', { nodes, path, extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR } });
}

/** A copy of a GraphQL error with more extensions (a code, yoga's `http` status): errors are never mutated. */
export function withExtensions(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, ...extensions },
  });
}
