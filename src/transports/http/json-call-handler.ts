import type { Dispatcher } from 'undici';
import { undiciErrors } from './undici-parts.ts';
import { UpstreamError, type Diagnosis } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import type { UpstreamRequest, UpstreamResponse } from '../transport.ts';

/** Error bodies are read to their end so the keep-alive socket can be reused, up to this size (undici's `dump()` limit). */
const MAX_DRAINED_BYTES = 128 * 1024; // 128 KiB

/**
 * One upstream call on undici's dispatch API: collects the body's chunks and settles one promise
 * with the parsed JSON or an UpstreamError with a stable code. `request()` would build a Readable
 * stream, an AsyncResource and a promise chain per answer to do the same (~5 µs per call in
 * bench/micro/upstream-call.bench.ts). Settles exactly once: by the answer, by the timeout or
 * the caller's signal (which then abort the exchange), or by undici's error.
 */
export class JsonCallHandler implements Dispatcher.DispatchHandler {
  readonly #request: UpstreamRequest;
  readonly #maxResponseBytes: number;
  readonly #resolve: (response: UpstreamResponse) => void;
  readonly #reject: (error: UpstreamError) => void;
  readonly #timer: NodeJS.Timeout;
  readonly #signal: AbortSignal | undefined;
  #onSignalAbort: (() => void) | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  #timedOut = false;
  /** Why the exchange was stopped before undici started it (then onRequestStart aborts it). */
  #abortReason: Error | undefined;
  /** 0 until the answer's status line came. */
  #status = 0;
  #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(
    request: UpstreamRequest,
    maxResponseBytes: number,
    signal: AbortSignal | undefined,
    resolve: (response: UpstreamResponse) => void,
    reject: (error: UpstreamError) => void,
  ) {
    this.#request = request;
    this.#maxResponseBytes = maxResponseBytes;
    this.#resolve = resolve;
    this.#reject = reject;
    // A timer we clear, not AbortSignal.timeout(): that one fires for every call, long after the
    // answer came, allocating an abort event and a DOMException each time.
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#abort(new undiciErrors.RequestAbortedError());
    }, request.timeoutMs);
    this.#signal = signal;
    if (signal) {
      this.#onSignalAbort = () => this.#abort(new undiciErrors.RequestAbortedError());
      signal.addEventListener('abort', this.#onSignalAbort, { once: true });
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#abortReason) controller.abort(this.#abortReason);
    else this.#controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx informational answers (100 Continue, 103 Early Hints) precede the real one.
    if (this.#settled || statusCode < 200) return;
    this.#status = statusCode;
    const declared = Number(headers['content-length'] ?? 0);
    if (statusCode >= 200 && statusCode < 300) {
      if (declared > this.#maxResponseBytes) this.#stop(controller, this.#tooLarge());
    } else if (declared > MAX_DRAINED_BYTES) {
      // Not worth reading to keep the socket: close it and report the status at once.
      this.#stop(controller, this.#statusError());
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#bytes += chunk.length;
    if (this.#status >= 200 && this.#status < 300) {
      if (this.#bytes > this.#maxResponseBytes) this.#stop(controller, this.#tooLarge());
      else this.#chunks.push(chunk);
    } else if (this.#bytes > MAX_DRAINED_BYTES) {
      this.#stop(controller, this.#statusError());
    }
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    const status = this.#status;
    if (status < 200 || status >= 300) {
      this.#fail(this.#statusError());
      return;
    }
    const chunks = this.#chunks;
    if (status === 204 || this.#bytes === 0) {
      this.#succeed({ status, body: null, bytes: 0 });
      return;
    }
    const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#bytes)).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      this.#fail(
        new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${this.#id()} answered with invalid JSON`, {
          details: this.#details(),
          cause: error,
          diagnosis: this.#diagnosis(`HTTP ${status}, ${this.#bytes} bytes that are not JSON (${(error as Error).message}).`, { status, bytes: this.#bytes }),
        }),
      );
      return;
    }
    this.#succeed({ status, body, bytes: this.#bytes });
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.#settled) return;
    const status = this.#status;
    if (status === 0) this.#fail(this.#classify(error));
    // An error status stays the answer even when its body, read only to free the socket, fails.
    else if (status < 200 || status >= 300) this.#fail(this.#statusError());
    else if (this.#timedOut) this.#fail(this.#classify(error));
    // The upstream answered, then broke off mid-body: its answer is unusable, not absent.
    else {
      this.#fail(
        new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${this.#id()} answer was cut short`, {
          details: this.#details(),
          cause: error,
          diagnosis: this.#diagnosis(`HTTP ${status}, the body broke off after ${this.#bytes} bytes: ${causeText(error)}.`, { status, bytes: this.#bytes, cause: causeCode(error) }),
        }),
      );
    }
  }

  /** Timeout or caller abort: stop the exchange; undici then reports the abort to onResponseError. */
  #abort(reason: Error): void {
    if (this.#settled) return;
    const controller = this.#controller;
    if (controller) {
      controller.abort(reason);
      return;
    }
    // Still queued for a connection: settle now; the exchange is aborted if it ever starts.
    this.#abortReason = reason;
    this.#fail(this.#classify(reason));
  }

  /** Settles with `error` and closes the exchange (its remaining body is not worth reading). */
  #stop(controller: Dispatcher.DispatchController, error: UpstreamError): void {
    this.#fail(error);
    controller.abort(error);
  }

  #succeed(response: UpstreamResponse): void {
    this.#done();
    this.#resolve(response);
  }

  #fail(error: UpstreamError): void {
    this.#done();
    this.#reject(error);
  }

  /** The call is over: no timeout, no listener, no chunks left behind. */
  #done(): void {
    this.#settled = true;
    this.#chunks = [];
    clearTimeout(this.#timer);
    if (this.#onSignalAbort) {
      this.#signal!.removeEventListener('abort', this.#onSignalAbort);
      this.#onSignalAbort = undefined;
    }
  }

  #classify(error: unknown): UpstreamError {
    const request = this.#request;
    const details = this.#details();
    if (error instanceof undiciErrors.ConnectTimeoutError) {
      return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${this.#id()} did not accept a connection within ${request.policy.connectTimeoutMs} ms`, {
        details,
        cause: error,
        httpStatus: 504,
        diagnosis: this.#diagnosis(`no connection within ${request.policy.connectTimeoutMs} ms (connectTimeoutMs).`, { cause: causeCode(error), connectTimeoutMs: request.policy.connectTimeoutMs }),
      });
    }
    if (this.#timedOut) {
      return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${this.#id()} timed out after ${request.timeoutMs} ms`, {
        details,
        cause: error,
        httpStatus: 504,
        diagnosis: this.#diagnosis(
          this.#status === 0 ? `no answer within ${request.timeoutMs} ms.` : `HTTP ${this.#status}, but the body did not end within ${request.timeoutMs} ms.`,
          { timeoutMs: request.timeoutMs },
        ),
      });
    }
    if (error instanceof Error && (error.name === 'AbortError' || error instanceof undiciErrors.RequestAbortedError)) {
      return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${this.#id()} call was aborted`, { details, cause: error, httpStatus: 504, diagnosis: this.#diagnosis('the call was aborted.', {}) });
    }
    return new UpstreamError(ErrorCodes.UPSTREAM_UNAVAILABLE, `Upstream ${this.#id()} is unavailable`, {
      details,
      cause: error,
      httpStatus: 503,
      diagnosis: this.#diagnosis(`${causeText(error)}.`, { cause: causeCode(error) }),
    });
  }

  #statusError(): UpstreamError {
    const status = this.#status;
    const details = { ...this.#details(), status };
    if (status === 404) {
      return new UpstreamError(ErrorCodes.UPSTREAM_ENTITY_NOT_FOUND, `Upstream ${this.#id()} has no such entity (HTTP 404)`, {
        details,
        httpStatus: 404,
        diagnosis: this.#diagnosis('', { status }),
      });
    }
    return new UpstreamError(ErrorCodes.UPSTREAM_HTTP_ERROR, `Upstream ${this.#id()} answered HTTP ${status}`, { details, diagnosis: this.#diagnosis('', { status }) });
  }

  #tooLarge(): UpstreamError {
    return new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${this.#id()} answered more than ${this.#maxResponseBytes} bytes`, {
      details: this.#details(),
      diagnosis: this.#diagnosis(`HTTP ${this.#status}, more than ${this.#maxResponseBytes} bytes.`, { status: this.#status, maxResponseBytes: this.#maxResponseBytes }),
    });
  }

  /**
   * `GET http://host/path: <what happened>` (just `GET http://host/path.` when the message says it
   * all, as for an error status). The URL is the one called, without its query string:
   * query values may be keys or secrets from the environment, and the log keeps this too.
   */
  #diagnosis(what: string, facts: Record<string, unknown>): Diagnosis {
    const request = this.#request;
    const q = request.path.indexOf('?');
    const url = request.origin + (q === -1 ? request.path : request.path.slice(0, q));
    return { text: what === '' ? `${request.method} ${url}.` : `${request.method} ${url}: ${what}`, facts: { method: request.method, url, ...facts } };
  }

  // Built only when an error needs them: a successful call allocates neither.
  #id(): string {
    return `${this.#request.connector}.${this.#request.operation}`;
  }

  #details(): Record<string, unknown> {
    return { connector: this.#request.connector, operation: this.#request.operation };
  }
}

/** The socket-level code of a failure (`ECONNREFUSED`, `UND_ERR_SOCKET`), looking inside an AggregateError (several addresses tried). */
function causeCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const first = (error as { errors?: unknown[] }).errors?.[0];
  return first === undefined ? undefined : causeCode(first);
}

/** The failure as its library says it (`connect ECONNREFUSED 127.0.0.1:4101`), with its code when the text lacks it. */
function causeText(error: unknown): string {
  const inner = (error as { errors?: unknown[] } | undefined)?.errors?.[0];
  if (error instanceof Error && !error.message && inner !== undefined) return causeText(inner);
  const code = causeCode(error);
  const message = error instanceof Error ? error.message || error.name : String(error);
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}
