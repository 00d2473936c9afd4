import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { logInfo, type Logger } from '../observability/index.ts';
import type { RequestContext } from '../observability/index.ts';

/** Writes the one access-log line of a request: who, what, how it ended, and its upstream calls. */
export function logAccess(logger: Logger, req: IncomingMessage, res: ServerResponse, context: RequestContext): void {
  let upstreamCallCount = 0;
  for (const stats of Object.values(context.upstreamCalls ?? {})) upstreamCallCount += stats.calls;
  logInfo(
    logger,
    {
      reqId: context.requestId,
      callerId: context.callerId,
      // Always written, `production` for unmarked requests, so a log query can split traffic by it.
      traffic: context.traffic ?? 'production',
      method: req.method,
      path: (req.url ?? '/').split('?', 1)[0],
      operationName: context.operationName,
      status: res.statusCode,
      refusal: context.refusal,
      durationMs: Math.round((performance.now() - context.startedAt) * 1000) / 1000,
      upstreamCallCount,
      upstreamCalls: context.upstreamCalls,
      sharedWith: context.sharedWith,
    },
    'request completed',
    true, // reqId, callerId and traffic lead the fields: the request context adds nothing
  );
}
