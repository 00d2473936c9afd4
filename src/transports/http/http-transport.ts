import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { UpstreamError } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import type { SendOptions, Transport, UpstreamRequest, UpstreamResponse } from '../transport.ts';

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

  async function sendWithin(request: UpstreamRequest, { signal }: SendOptions, timeout: AbortSignal): Promise<UpstreamResponse> {
    const id = `${request.connector}.${request.operation}`;
    const details = { connector: request.connector, operation: request.operation };
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers, [DEADLINE_HEADER]: String(request.timeoutMs) };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Dispatcher.ResponseData;
    try {
      response = await agentFor(request.policy.connectTimeoutMs).request({
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers,
        body: request.body,
        signal: combined,
      });
    } catch (error) {
      throw classify(error, id, request, details, timeout);
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      // Drain so the keep-alive socket can be reused; the body itself is never shown to callers.
      await response.body.dump().catch(() => undefined);
      if (status === 404) {
        throw new UpstreamError(ErrorCodes.UPSTREAM_ENTITY_NOT_FOUND, `Upstream ${id} has no such entity (HTTP 404)`, { details: { ...details, status }, httpStatus: 404 });
      }
      throw new UpstreamError(ErrorCodes.UPSTREAM_HTTP_ERROR, `Upstream ${id} answered HTTP ${status}`, { details: { ...details, status } });
    }
    let text: string;
    try {
      const declared = Number(response.headers['content-length'] ?? 0);
      if (declared > maxResponseBytes) {
        await response.body.dump().catch(() => undefined);
        throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${id} answered more than ${maxResponseBytes} bytes`, { details });
      }
      text = await response.body.text();
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      if (timeout.aborted) throw classify(error, id, request, details, timeout);
      // The upstream answered, then broke off mid-body: its answer is unusable, not absent.
      throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${id} answer was cut short`, { details, cause: error });
    }
    if (text.length > maxResponseBytes) {
      throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${id} answered more than ${maxResponseBytes} bytes`, { details });
    }
    if (status === 204 || text.length === 0) return { status, body: null, bytes: 0 };
    try {
      return { status, body: JSON.parse(text) as unknown, bytes: text.length };
    } catch (error) {
      throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${id} answered with invalid JSON`, { details, cause: error });
    }
  }

  return {
    kind: 'http',
    async send(request: UpstreamRequest, options: SendOptions): Promise<UpstreamResponse> {
      // A timer we clear, not AbortSignal.timeout(): that one fires for every call, long after the
      // answer came, allocating an abort event and a DOMException each time, and keeps thousands of
      // signals alive (promoted to the old generation) under load.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), request.timeoutMs);
      try {
        return await sendWithin(request, options, timeout.signal);
      } finally {
        clearTimeout(timer);
      }
    },
    // The gateway closes transports after its HTTP server: any call still running belongs to a
    // request whose connection was cut after the shutdown grace period, so it is aborted, not awaited.
    close: async () => {
      await Promise.all([...agents.values()].map((agent) => agent.destroy()));
      agents.clear();
    },
  };
}

function classify(error: unknown, id: string, request: UpstreamRequest, details: Record<string, unknown>, timeout: AbortSignal): UpstreamError {
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${id} did not accept a connection within ${request.policy.connectTimeoutMs} ms`, { details, cause: error, httpStatus: 504 });
  }
  if (timeout.aborted) {
    return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${id} timed out after ${request.timeoutMs} ms`, { details, cause: error, httpStatus: 504 });
  }
  if (error instanceof Error && (error.name === 'AbortError' || error instanceof undiciErrors.RequestAbortedError)) {
    return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${id} call was aborted`, { details, cause: error, httpStatus: 504 });
  }
  return new UpstreamError(ErrorCodes.UPSTREAM_UNAVAILABLE, `Upstream ${id} is unavailable`, { details, cause: error, httpStatus: 503 });
}
