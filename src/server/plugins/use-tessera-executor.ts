import type { Plugin } from 'graphql-yoga';
import type { ExecutionArgs } from 'graphql';
import type { Executor } from '../../execute/index.ts';
import { currentRequestContext } from '../../observability/index.ts';
import { EXPLAIN_HEADER } from '../explain-header.ts';

/**
 * Replaces graphql-js's resolver-based execute with Tessera's planned executor, so the requests
 * yoga handles (GET, GraphiQL, multipart, non-JSON bodies) run through the same engine as the
 * fast path.
 */
export function useTesseraExecutor(executor: Executor): Plugin<{ request?: Request }> {
  return {
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
        });
        if (context) {
          context.operationName = args.operationName ?? undefined;
          context.upstreamCalls = result.upstreamCalls;
        }
        return result;
      });
    },
  };
}
