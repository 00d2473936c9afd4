import { Agent, undiciErrors } from './undici-parts.ts';
import type { SendOptions, Transport, UpstreamRequest, UpstreamResponse } from '../transport.ts';
import { JsonCallHandler } from './json-call-handler.ts';

/** Tells the upstream how many ms this call has left, so it can give up when we do. */
export const DEADLINE_HEADER = 'x-tessera-deadline-ms';

export interface HttpTransportOptions {
  /** Keep-alive connections per upstream origin. */
  connections?: number;
  /** Largest JSON body accepted from an upstream. */
  maxResponseBytes?: number;
}

/**
 * HTTP/JSON upstream calls on one undici Agent (a keep-alive pool per origin). Every failure
 * becomes an UpstreamError with a stable code; upstream bodies never reach the caller.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024; // 16 MiB
  const connections = options.connections ?? 128;
  // undici sets the connect timeout per Agent, so there is one Agent per distinct connect timeout
  // in the config (usually one or two); each keeps its own keep-alive pool per origin.
  const agents = new Map<number, Agent>();
  const agentFor = (connectTimeoutMs: number): Agent => {
    let agent = agents.get(connectTimeoutMs);
    if (!agent) {
      agent = new Agent({ connections, keepAliveTimeout: 30_000 /* 30 s */, connect: { timeout: connectTimeoutMs } });
      agents.set(connectTimeoutMs, agent);
    }
    return agent;
  };

  function send(request: UpstreamRequest, { signal }: SendOptions): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      const handler = new JsonCallHandler(request, maxResponseBytes, signal, resolve, reject);
      if (signal?.aborted) {
        handler.onResponseError(null, new undiciErrors.RequestAbortedError());
        return;
      }
      // undici reports every failure, even a synchronous one, to the handler's onResponseError.
      agentFor(request.policy.connectTimeoutMs).dispatch(
        { origin: request.origin, path: request.path, method: request.method, headers: headersOf(request), body: request.body },
        handler,
      );
    });
  }

  return {
    kind: 'http',
    send,
    // The gateway closes transports after its HTTP server: any call still running belongs to a
    // request whose connection was cut after the shutdown grace period, so it is aborted, not awaited.
    close: async () => {
      await Promise.all([...agents.values()].map((agent) => agent.destroy()));
      agents.clear();
    },
  };
}

/**
 * The call's headers as undici's flat [name, value, …] list (no object to build and walk):
 * `accept` unless the request sets its own, the request's headers, the deadline header and the
 * JSON content type of a body, which win over a request header of the same name.
 */
function headersOf(request: UpstreamRequest): string[] {
  const own = request.headers;
  const hasBody = request.body !== undefined;
  const headers: string[] = own.accept === undefined ? ['accept', 'application/json'] : [];
  for (const name in own) {
    if (name === DEADLINE_HEADER || (hasBody && name === 'content-type')) continue;
    headers.push(name, own[name]!);
  }
  headers.push(DEADLINE_HEADER, String(request.timeoutMs));
  if (hasBody) headers.push('content-type', 'application/json');
  return headers;
}
