import net from 'node:net';
import thrift, { TBufferedTransport, TFramedTransport, type TTransport } from 'thrift';
import { UpstreamError, type Diagnosis } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import type { UpstreamRequest, UpstreamResponse } from '../transport.ts';
import type { ProtocolClass, ThriftCall } from './thrift-call.ts';
import type { ThriftFraming } from './check-thrift-connector-shape.ts';
import type { Receiver } from './thrift-package-types.ts';
import { DeclaredException, MalformedAnswer } from './thrift-codec.ts';
import { ApplicationException } from './thrift-message.ts';

export interface PoolSettings {
  maxResponseBytes: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxWaiting: number;
}

/** The call a connection is carrying, and how it ends. */
interface InFlight {
  request: UpstreamRequest;
  call: ThriftCall;
  bytes: number;
  done(value: unknown, bytes: number): void;
  /** `reusable`: the reply was read whole, so the connection may carry the next call. */
  fail(error: UpstreamError, reusable: boolean): void;
}

interface Connection {
  socket: net.Socket;
  current: InFlight | undefined;
}

interface Waiter {
  request: UpstreamRequest;
  startedAt: number;
  take(connection: Connection): void;
  refuse(error: UpstreamError): void;
}

/**
 * The persistent connections to one Thrift upstream. A connection carries one call at a time
 * (plain Thrift has no multiplexing) and goes back to the pool after a whole reply, up to
 * `maxConnections`; calls beyond wait in a bounded queue, each within its own budget. A call that
 * outlives its budget, or whose reply cannot be read, closes its connection: it is never reused,
 * so a late reply cannot answer the next call. After a refused connection the address is "down"
 * for a backoff (200 ms doubling, with jitter, up to 5 s): calls then fail at once with
 * UPSTREAM_UNAVAILABLE rather than queueing, and the first call after the backoff tries again.
 */
export class ThriftPool {
  readonly #host: string;
  readonly #port: number;
  readonly #framing: ThriftFraming;
  readonly #protocol: ProtocolClass;
  readonly #max: number;
  readonly #settings: PoolSettings;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #waiting: Waiter[] = [];
  /** Connections being opened: they count toward `maxConnections`. */
  #opening = 0;
  #downUntil = 0;
  #downCause = '';
  #backoffMs: number;
  #closed = false;

  constructor(address: string, framing: ThriftFraming, protocol: ProtocolClass, maxConnections: number, settings: PoolSettings) {
    const colon = address.lastIndexOf(':');
    this.#host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    this.#port = Number(address.slice(colon + 1));
    this.#framing = framing;
    this.#protocol = protocol;
    this.#max = maxConnections;
    this.#settings = settings;
    this.#backoffMs = settings.initialBackoffMs;
  }

  call(request: UpstreamRequest, call: ThriftCall, signal: AbortSignal | undefined): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      const startedAt = performance.now();
      let settled = false;
      let connection: Connection | undefined;
      let waiter: Waiter | undefined;
      const finish = (error: UpstreamError | undefined, response?: UpstreamResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (waiter) this.#forget(waiter);
        if (error) reject(error);
        else resolve(response!);
      };
      // The budget covers the wait for a connection, connecting, and the reply.
      const abandon = (error: UpstreamError): void => {
        if (settled) return;
        if (connection?.current) this.#destroy(connection);
        finish(error);
      };
      const onAbort = (): void => abandon(failure(ErrorCodes.UPSTREAM_TIMEOUT, request, 'call was aborted', 'aborted', 504, startedAt));
      const timer = setTimeout(() => abandon(failure(ErrorCodes.UPSTREAM_TIMEOUT, request, `timed out after ${request.timeoutMs} ms`, 'no reply in time', 504, startedAt)), request.timeoutMs);
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      const start = (taken: Connection): void => {
        waiter = undefined;
        if (settled) {
          this.#release(taken);
          return;
        }
        connection = taken;
        taken.current = {
          request,
          call,
          bytes: 0,
          done: (body, bytes) => {
            taken.current = undefined;
            this.#release(taken);
            finish(undefined, { status: 200, body, bytes });
          },
          fail: (error, reusable) => {
            taken.current = undefined;
            if (reusable) this.#release(taken);
            else this.#destroy(taken);
            finish(error);
          },
        };
        taken.socket.write(request.payload!);
      };
      waiter = {
        request,
        startedAt,
        take: start,
        refuse: (error) => {
          waiter = undefined;
          finish(error);
        },
      };
      this.#acquire(waiter);
    });
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#all) connection.socket.destroy();
    this.#all.clear();
    this.#idle.length = 0;
    for (const waiter of this.#waiting.splice(0)) waiter.refuse(new UpstreamError(ErrorCodes.UPSTREAM_UNAVAILABLE, 'The gateway is shutting down', { httpStatus: 503 }));
  }

  #acquire(waiter: Waiter): void {
    const { request, startedAt } = waiter;
    const now = performance.now();
    if (this.#closed) return waiter.refuse(failure(ErrorCodes.UPSTREAM_UNAVAILABLE, request, 'is unavailable', 'the gateway is shutting down', 503, startedAt));
    if (now < this.#downUntil) {
      return waiter.refuse(failure(ErrorCodes.UPSTREAM_UNAVAILABLE, request, 'is unavailable', `${this.#downCause}; connecting again in ${Math.ceil(this.#downUntil - now)} ms`, 503, startedAt));
    }
    const idle = this.#idle.pop();
    if (idle) return waiter.take(idle);
    if (this.#all.size + this.#opening < this.#max) return this.#open(waiter);
    if (this.#waiting.length >= this.#settings.maxWaiting) {
      return waiter.refuse(failure(ErrorCodes.OVERLOADED, request, 'has every connection busy and too many calls waiting', `${this.#max} connections busy, ${this.#waiting.length} calls waiting`, 503, startedAt));
    }
    this.#waiting.push(waiter);
  }

  #open(waiter: Waiter): void {
    const { request, startedAt } = waiter;
    this.#opening += 1;
    const socket = net.connect({ host: this.#host, port: this.#port });
    socket.setNoDelay(true);
    let connected = false;
    const connectTimer = setTimeout(() => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), request.policy.connectTimeoutMs);
    socket.once('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      this.#opening -= 1;
      this.#backoffMs = this.#settings.initialBackoffMs;
      const connection: Connection = { socket, current: undefined };
      this.#all.add(connection);
      this.#listen(connection);
      waiter.take(connection);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (connected) return;
      clearTimeout(connectTimer);
      this.#opening -= 1;
      this.#markDown(error.code ?? error.message);
      const timedOut = error.code === 'ETIMEDOUT';
      waiter.refuse(failure(timedOut ? ErrorCodes.UPSTREAM_TIMEOUT : ErrorCodes.UPSTREAM_UNAVAILABLE, request, timedOut ? 'did not accept a connection in time' : 'is unavailable', `connect ${error.code ?? error.message}`, timedOut ? 504 : 503, startedAt));
      // Calls waiting for a busy connection would only wait to fail: tell them now.
      for (const other of this.#waiting.splice(0)) other.refuse(failure(ErrorCodes.UPSTREAM_UNAVAILABLE, other.request, 'is unavailable', `connect ${error.code ?? error.message}`, 503, other.startedAt));
    });
  }

  /** Reads replies off one connection with the thrift package's framing; anything unexpected closes it. */
  #listen(connection: Connection): void {
    const { socket } = connection;
    const Protocol = this.#protocol;
    const onMessage = (transport: TTransport): void => {
      const current = connection.current;
      if (!current) return;
      let value: unknown;
      try {
        value = current.call.read(new Protocol(transport));
      } catch (error) {
        if (this.#framing === 'buffered' && error instanceof thrift.InputBufferUnderrunError) {
          // An unframed reply arrives in pieces: read it again from the start when more has come.
          transport.rollbackPosition();
          return;
        }
        current.fail(replyFailure(error, current), isWholeReply(error));
        return;
      }
      transport.commitPosition();
      current.done(value, current.bytes);
    };
    const receive =
      this.#framing === 'framed'
        ? (TFramedTransport.receiver as unknown as Receiver)(onMessage, 0, this.#settings.maxResponseBytes)
        : (TBufferedTransport.receiver as unknown as Receiver)(onMessage, 0, this.#settings.maxResponseBytes);
    socket.on('data', (chunk: Buffer) => {
      const current = connection.current;
      if (!current) {
        // Bytes no call asked for: the stream is out of step, so it cannot carry another call.
        this.#destroy(connection);
        return;
      }
      current.bytes += chunk.length;
      try {
        receive(chunk);
      } catch (error) {
        // A frame larger than allowed (or a length that is not one): the stream is lost.
        if (connection.current) connection.current.fail(replyFailure(error, current), false);
        else this.#destroy(connection);
      }
    });
    socket.on('error', () => {
      // 'close' follows and says what it means for the call.
    });
    socket.on('close', () => {
      const current = connection.current;
      connection.current = undefined;
      this.#forgetConnection(connection);
      current?.fail(failure(ErrorCodes.UPSTREAM_UNAVAILABLE, current.request, 'closed the connection before answering', 'connection closed mid-call', 503), false);
    });
  }

  #release(connection: Connection): void {
    if (connection.socket.destroyed || this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter) waiter.take(connection);
    else this.#idle.push(connection);
  }

  #destroy(connection: Connection): void {
    connection.current = undefined;
    this.#forgetConnection(connection);
    connection.socket.destroy();
  }

  #forgetConnection(connection: Connection): void {
    if (!this.#all.delete(connection)) return;
    const at = this.#idle.indexOf(connection);
    if (at !== -1) this.#idle.splice(at, 1);
    // A slot opened up: the first waiting call gets a new connection (or fails fast if the address is down).
    const waiter = this.#waiting.shift();
    if (waiter) this.#acquire(waiter);
  }

  #forget(waiter: Waiter): void {
    const at = this.#waiting.indexOf(waiter);
    if (at !== -1) this.#waiting.splice(at, 1);
  }

  #markDown(cause: string): void {
    // Full jitter keeps gateways that lost the same upstream from knocking on it in step.
    this.#downUntil = performance.now() + this.#backoffMs * (0.5 + Math.random() / 2);
    this.#downCause = `connect ${cause}`;
    this.#backoffMs = Math.min(this.#settings.maxBackoffMs, this.#backoffMs * 2);
  }
}

/** The reply was read to its end, so the connection is in step for another call. */
function isWholeReply(error: unknown): boolean {
  return error instanceof DeclaredException || error instanceof ApplicationException;
}

function replyFailure(error: unknown, current: InFlight): UpstreamError {
  const { request } = current;
  if (error instanceof DeclaredException) {
    return new UpstreamError(ErrorCodes.UPSTREAM_ERROR, `Upstream ${request.connector}.${request.operation} answered the declared exception ${error.exception}`, {
      details: { connector: request.connector, operation: request.operation, exception: error.exception },
      cause: error,
      diagnosis: diagnose(request, `threw ${error.exception}`, { exception: error.exception, exceptionFields: error.fields }),
      httpStatus: 502,
    });
  }
  if (error instanceof ApplicationException) {
    return new UpstreamError(ErrorCodes.UPSTREAM_RPC_ERROR, `Upstream ${request.connector}.${request.operation} answered a Thrift application exception ${error.type}`, {
      details: { connector: request.connector, operation: request.operation, thriftError: error.type },
      cause: error,
      diagnosis: diagnose(request, `TApplicationException ${error.type}${error.message ? `: ${error.message}` : ''}`, { thriftError: error.type, ...(error.message ? { statusMessage: error.message } : {}) }),
      httpStatus: 502,
    });
  }
  const reason = error instanceof MalformedAnswer ? error.message : error instanceof Error ? error.message : String(error);
  return new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${request.connector}.${request.operation} answered a reply that does not decode as the IDL says`, {
    details: { connector: request.connector, operation: request.operation },
    cause: error,
    diagnosis: diagnose(request, `malformed reply: ${reason}`, { cause: reason }),
    httpStatus: 502,
  });
}

function failure(code: (typeof ErrorCodes)[keyof typeof ErrorCodes], request: UpstreamRequest, what: string, cause: string, httpStatus: number, startedAt?: number): UpstreamError {
  const facts: Record<string, unknown> = { cause };
  if (startedAt !== undefined) facts.elapsedMs = Math.round(performance.now() - startedAt);
  return new UpstreamError(code, `Upstream ${request.connector}.${request.operation} ${what}`, {
    details: { connector: request.connector, operation: request.operation },
    diagnosis: diagnose(request, cause, facts),
    httpStatus,
  });
}

/** `Thrift 127.0.0.1:4106 LoyaltyService.getAccounts: connect ECONNREFUSED.`: for the log and dev mode only. */
function diagnose(request: UpstreamRequest, text: string, facts: Record<string, unknown>): Diagnosis {
  return { text: `Thrift ${request.origin} ${request.path}: ${text}.`, facts: { address: request.origin, method: request.path, ...facts } };
}
