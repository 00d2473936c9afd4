import type { Plugin } from 'graphql-yoga';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Executor } from '../../execute/index.ts';
import { currentRequestContext } from '../../observability/index.ts';
import { EXPLAIN_HEADER } from '../explain-header.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import { withExtensions } from '../../errors/to-graphql-error.ts';
import { admitDocument, type FrontDoorPolicy } from '../admit-document.ts';
import { hidesSchema, withoutSuggestions } from '../disclosure.ts';

/**
 * Replaces graphql-js's resolver-based execute with Tessera's planned executor, so the requests
 * yoga handles (GET, GraphiQL, multipart, non-JSON bodies) run through the same engine as the
 * fast path.
 */
export function useTesseraExecutor(executor: Executor, front: FrontDoorPolicy): Plugin<{ request?: Request }> {
  return {
    onParams({ params, setParams }) {
      // The same admission as the fast path's (limits, before yoga parses anything), with the
      // same 400 and body.
      const context = currentRequestContext();
      const admitted = admitDocument(front, executor, context?.callerId, params);
      if (admitted.refusal) {
        if (context) context.refusal = String(admitted.refusal.extensions.code);
        throw withExtensions(admitted.refusal, { http: { status: 400 } });
      }
      // yoga resolves the operation itself, before validation, with its own message and code
      // (OPERATION_RESOLUTION_FAILURE, HTTP 400). Resolve it first, the way the fast path does, so
      // both doors answer an unknown or missing operation name with the same REQUEST_UNKNOWN_OPERATION.
      // A persisted document's id became its manifest's text: yoga runs that text.
      if (admitted.query !== undefined && admitted.query !== params.query) setParams({ ...params, query: admitted.query });
      if (!admitted.prepared) return; // not a document, or one yoga reports errors for itself
      const selected = executor.planCache.selectOperation(admitted.prepared, params.operationName);
      if (selected instanceof GraphQLError) throw withRequestErrorStatus(selected);
    },
    // Invalid documents are answered by yoga (the fast path hands them over): its validation
    // messages suggest field, type and argument names, which a caller who may not introspect
    // does not get. Done on the way out, not in validation, whose results yoga caches by document.
    onResultProcess({ result, setResult }) {
      if (!hidesSchema(currentRequestContext()?.caller?.scopes)) return;
      if (Array.isArray(result) || Symbol.asyncIterator in result || !result.errors) return;
      setResult({ ...result, errors: result.errors.map((error) => withoutSuggestions(error)) });
    },
    onExecute({ setExecuteFn }) {
      setExecuteFn(async (args: ExecutionArgs) => {
        const context = currentRequestContext();
        const request = (args.contextValue as { request?: Request } | undefined)?.request;
        const result = await executor.execute({
          prepared: executor.planCache.prepareDocument(args.document),
          operationName: args.operationName,
          variables: args.variableValues,
          requestId: context?.requestId ?? 'unknown',
          explain: request?.headers.get(EXPLAIN_HEADER) === '1',
          deadlineAt: context?.deadlineAt,
          // Node's parsed headers, not yoga's Request copy: the fast path forwards the same values.
          callerHeaders: context?.callerHeaders,
          // Read by the server before either door (server/traffic-mark.ts), so both run it alike.
          traffic: context?.traffic,
          scopes: context?.caller?.scopes,
          callerId: context?.callerId,
        });
        if (context) {
          context.operationName = result.operationName ?? args.operationName ?? undefined;
          context.upstreamCalls = result.upstreamCalls;
          context.sharedWith = result.sharedWith;
        }
        // No data at all means the request itself failed (bad variables, a plan the caller's
        // transform broke): GraphQL-over-HTTP wants a 4xx for application/graphql-response+json.
        if (!('data' in result) && result.errors) return { ...result, errors: result.errors.map(withRequestErrorStatus) };
        return result;
      });
    },
  };
}

/**
 * The status yoga should answer a request error with under application/graphql-response+json:
 * 400, or 500 for our own failure. `spec: true` tells yoga to keep the legacy 200 for
 * application/json, which is what the fast path answers; yoga strips `http` from the body.
 */
function withRequestErrorStatus(error: GraphQLError): GraphQLError {
  return withExtensions(error, { http: { status: error.extensions.code === ErrorCodes.INTERNAL_SERVER_ERROR ? 500 : 400, spec: true } });
}
