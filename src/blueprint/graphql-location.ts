import { getLocation, type ASTNode, type GraphQLError } from 'graphql';
import type { SourceLocation } from '../errors/gateway-error.ts';

/** The file:line:column of a node parsed from a schema file (the Source's name is the file). */
export function locateNode(node: ASTNode | null | undefined, fallbackFile = '<schema>'): SourceLocation {
  const loc = node?.loc;
  if (!loc) return { file: fallbackFile, line: 1, column: 1 };
  const { line, column } = getLocation(loc.source, loc.start);
  return { file: loc.source.name, line, column };
}

/** The position of a graphql-js error (syntax or SDL validation), which knows its source. */
export function locateGraphQLError(error: GraphQLError, fallbackFile: string): SourceLocation {
  const node = error.nodes?.[0];
  if (node) return locateNode(node, fallbackFile);
  const at = error.locations?.[0];
  return { file: error.source?.name ?? fallbackFile, line: at?.line ?? 1, column: at?.column ?? 1 };
}
