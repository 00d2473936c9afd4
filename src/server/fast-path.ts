import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayResult } from '../execute/index.ts';

/** The parts of a GraphQL-over-HTTP POST body the fast path understands. */
export interface GraphQLParams {
  /** Absent when the request names a persisted document instead. */
  query: string | undefined;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  /** `{ persistedQuery: { version, sha256Hash } }`: the only extension the fast path reads. */
  extensions: unknown;
  documentId: string | undefined;
}

/**
 * Decides whether a POST can skip graphql-yoga: a JSON body with a query string, asking for plain
 * JSON back. The document is then admitted (server/admit-document.ts) and must be valid to stay
 * here; anything else, including every error response, goes to yoga so that error bodies stay
 * exactly as GraphQL-over-HTTP says.
 */
export function matchFastPath(headers: IncomingHttpHeaders, body: Buffer): GraphQLParams | undefined {
  if (!acceptsPlainJson(headers.accept)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { query, operationName, variables, extensions, documentId } = parsed as Record<string, unknown>;
  if (query !== undefined && typeof query !== 'string') return undefined;
  // A persisted-query id is looked up by admission on either door; any other extension is yoga's.
  if (extensions !== undefined && !onlyPersistedQuery(extensions)) return undefined;
  if (documentId !== undefined && typeof documentId !== 'string') return undefined;
  if (query === undefined && extensions === undefined && documentId === undefined) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  return { query, operationName: operationName ?? undefined, variables: (variables ?? undefined) as Record<string, unknown> | undefined, extensions, documentId };
}

function onlyPersistedQuery(extensions: unknown): boolean {
  if (extensions === null || typeof extensions !== 'object' || Array.isArray(extensions)) return false;
  const keys = Object.keys(extensions);
  return keys.length === 1 && keys[0] === 'persistedQuery';
}

/** Serialises a result the way graphql-yoga does for `application/json`. */
export function serializeResult(result: GatewayResult): string {
  return JSON.stringify(result);
}

/** Whether the caller asks for plain JSON (or anything): the only answer the fast path writes. */
export function acceptsPlainJson(accept: string | undefined): boolean {
  if (accept === undefined || accept === '' || accept === '*/*') return true;
  // Anything more specific (graphql-response+json, multipart, event-stream) has its own rules: yoga.
  return accept === 'application/json' || accept === 'application/json, */*';
}
