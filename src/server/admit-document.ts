import { GraphQLError } from 'graphql';
import type { Executor } from '../execute/index.ts';
import type { PreparedDocument } from '../plan/index.ts';
import type { LimitPolicy } from '../limits/operation-limits.ts';
import type { TrustedDocuments } from '../trusted/trusted-documents.ts';
import { checkDocumentSize, checkOperationLimits } from '../limits/check-limits.ts';
import { isLimitError, limitError } from '../limits/scan-document.ts';
import { ErrorCodes } from '../errors/codes.ts';

/** The request-level rules of one served config that both doors apply to a document. */
export interface FrontDoorPolicy {
  limits: LimitPolicy;
  /** Persisted operations and each caller's mode; undefined when `trustedDocuments:` is not set. */
  trusted?: TrustedDocuments | undefined;
}

/** The GraphQL-over-HTTP parameters as a caller sent them (not yet checked). */
export interface RequestParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

/**
 * What admission decided: a refusal (HTTP 400, before any upstream call), or the document to run.
 * `prepared` is undefined when the document does not parse or validate: the door reports that
 * its own way (yoga's error bodies), as before.
 */
export type DocumentAdmission = { refusal: GraphQLError } | { refusal: undefined; query: string | undefined; prepared: PreparedDocument | undefined };

const NOTHING_TO_CHECK: DocumentAdmission = { refusal: undefined, query: undefined, prepared: undefined };

/**
 * The one admission step both doors run before execution (the fast path in create-server.ts,
 * yoga in plugins/use-tessera-executor.ts): trusted documents (an id becomes its manifest's text;
 * an unlisted text is refused under `enforce`), then document size, tokens (while lexing, before parsing),
 * then depth, aliases, root fields, directives and cost, all against the caller's limits. The
 * measures are taken once per cached document; a request only compares numbers.
 */
export function admitDocument(policy: FrontDoorPolicy, executor: Executor, callerId: string | undefined, params: RequestParams): DocumentAdmission {
  let query = params.query;
  if (policy.trusted) {
    const trusted = policy.trusted.resolve(callerId, params);
    if (trusted.refusal) return { refusal: trusted.refusal };
    query = trusted.query;
  }
  if (typeof query !== 'string') return NOTHING_TO_CHECK;
  const limits = policy.limits.for(callerId);
  const tooLarge = checkDocumentSize(query, limits);
  if (tooLarge) return { refusal: tooLarge };
  const cache = executor.planCache;
  const prepared = cache.prepareText(query);
  if ('errors' in prepared) {
    const first = prepared.errors[0];
    return first && isLimitError(first) ? { refusal: first } : { refusal: undefined, query, prepared: undefined };
  }
  if (prepared.tokens > limits.maxTokens) {
    return { refusal: limitError(ErrorCodes.TOKEN_LIMIT, `The document has ${prepared.tokens} tokens; the limit is ${limits.maxTokens}.`) };
  }
  const operationName = typeof params.operationName === 'string' ? params.operationName : undefined;
  const operation = cache.selectOperation(prepared, operationName);
  // An unknown operation is refused by the door (REQUEST_UNKNOWN_OPERATION) before anything runs.
  if (operation instanceof GraphQLError) return { refusal: undefined, query, prepared };
  const measures = cache.measure(prepared, operation);
  if (measures instanceof GraphQLError) return { refusal: measures };
  const variables = params.variables !== null && typeof params.variables === 'object' && !Array.isArray(params.variables) ? (params.variables as Record<string, unknown>) : undefined;
  const refusal = checkOperationLimits(measures, limits, variables);
  return refusal ? { refusal } : { refusal: undefined, query, prepared };
}
