import { EventEmitter } from 'node:events';
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

  async function send(request: UpstreamRequest, { signal }: SendOptions): Promise<UpstreamResponse> {
    const id = `${request.connector}.${request.operation}`;
    const details = { connector: request.connector, operation: request.operation };
    const call = new CallAbort(request.timeoutMs, signal);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers, [DEADLINE_HEADER]: String(request.timeoutMs) };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      if (signal?.aborted) throw new undiciErrors.RequestAbortedError();
      let response: Dispatcher.ResponseData;
      try {
        response = await agentFor(request.policy.connectTimeoutMs).request({
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers,
          body: request.body,
          signal: call,
        });
      } catch (error) {
        throw classify(error, id, request, details, call.timedOut);
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
        if (call.timedOut) throw classify(error, id, request, details, true);
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
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw classify(error, id, request, details, call.timedOut);
    } finally {
      call.done();
    }
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

function classify(error: unknown, id: string, request: UpstreamRequest, details: Record<string, unknown>, timedOut: boolean): UpstreamError {
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${id} did not accept a connection within ${request.policy.connectTimeoutMs} ms`, { details, cause: error, httpStatus: 504 });
  }
  if (timedOut) {
    return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${id} timed out after ${request.timeoutMs} ms`, { details, cause: error, httpStatus: 504 });
  }
  if (error instanceof Error && (error.name === 'AbortError' || error instanceof undiciErrors.RequestAbortedError)) {
    return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${id} call was aborted`, { details, cause: error, httpStatus: 504 });
  }
  return new UpstreamError(ErrorCodes.UPSTREAM_UNAVAILABLE, `Upstream ${id} is unavailable`, { details, cause: error, httpStatus: 503 });
}

/**
 * Aborts one call after its timeout, or when the caller's signal aborts. It is the EventEmitter
 * form of undici's `signal` option (documented beside AbortSignal): undici then listens with a
 * plain `once('abort')`, where an AbortSignal costs an AbortController, an EventTarget listener
 * and Node's abort-listener bookkeeping on every call (~5 µs per call in
 * bench/micro/upstream-call.bench.ts). It has no `aborted` property on purpose: undici treats
 * any object with one as an AbortSignal.
 */
class CallAbort extends EventEmitter {
  timedOut = false;
  readonly #timer: NodeJS.Timeout;
  readonly #signal: AbortSignal | undefined;
  readonly #onSignalAbort: (() => void) | undefined;

  constructor(timeoutMs: number, signal: AbortSignal | undefined) {
    super();
    // A timer we clear, not AbortSignal.timeout(): that one fires for every call, long after the
    // answer came, allocating an abort event and a DOMException each time.
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.emit('abort');
    }, timeoutMs);
    this.#signal = signal;
    if (signal) {
      this.#onSignalAbort = () => this.emit('abort');
      signal.addEventListener('abort', this.#onSignalAbort, { once: true });
    }
  }

  /** The call is over: no timeout, no listener left behind. */
  done(): void {
    clearTimeout(this.#timer);
    if (this.#onSignalAbort) this.#signal!.removeEventListener('abort', this.#onSignalAbort);
  }
}
