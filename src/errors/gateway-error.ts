import type { ErrorCode } from './codes.ts';

/** Where in a user's file something is: 1-based line and column, as editors show them. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * What a developer needs to fix a failure, naming upstream internals (the URL called, the socket
 * error, the attempts made, the keys an answer had). Callers see it only from a gateway in dev
 * mode (errors/to-graphql-error.ts); the log always has it, under the request id.
 */
export interface Diagnosis {
  /** Sentences, e.g. `GET http://127.0.0.1:4101/books/1: connect ECONNREFUSED 127.0.0.1:4101. 3 attempts, 3.0 s.` */
  readonly text: string;
  /** The same facts as data (`url`, `cause`, `attempts`, `elapsedMs`, `bodyKeys`, …), for tools and log queries. */
  readonly facts: Readonly<Record<string, unknown>>;
}

export interface GatewayErrorOptions {
  cause?: unknown;
  httpStatus?: number;
  source?: SourceLocation;
  /** Extra machine-readable detail that is safe to show a caller (e.g. connector name, status). */
  details?: Record<string, unknown>;
  diagnosis?: Diagnosis;
}

const kGatewayError = Symbol.for('tessera.error');

/**
 * The base of every error Tessera raises on purpose. Each carries a stable `code` (see codes.ts);
 * callers and retry policies decide on the code, never on the message.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly source: SourceLocation | undefined;
  readonly details: Record<string, unknown>;
  readonly diagnosis: Diagnosis | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.httpStatus = options.httpStatus ?? 500;
    this.source = options.source;
    this.details = options.details ?? {};
    this.diagnosis = options.diagnosis;
    Object.defineProperty(this, kGatewayError, { value: true });
  }

  /** Brand check that holds even when two copies of this module are loaded (undici's pattern). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary prototype check, so `instanceof UpstreamError` stays exact.
    if (this !== GatewayError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kGatewayError] === true;
  }
}

/** A problem in schemas/ or connectors/; always points at a file position when one is known. */
export class ConfigError extends GatewayError {
  /** Dotted path into the config (e.g. `connectors.crm.operations.getCustomer.method`). */
  readonly configPath: string | undefined;
  /** Warnings do not stop the gateway from starting (e.g. an N+1 hazard); errors do. */
  readonly severity: 'error' | 'warning';

  constructor(
    code: ErrorCode,
    message: string,
    options: GatewayErrorOptions & { configPath?: string; severity?: 'error' | 'warning' } = {},
  ) {
    super(code, message, options);
    this.name = 'ConfigError';
    this.configPath = options.configPath;
    this.severity = options.severity ?? 'error';
  }
}

/** An upstream call failed. `details.connector` names the connector; no upstream body is kept. */
export class UpstreamError extends GatewayError {
  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { httpStatus: 502, ...options });
    this.name = 'UpstreamError';
  }
}

/**
 * A copy of an upstream error with more diagnosis (the attempts a retry made): same code,
 * message, status, details and cause, so nothing that decides on them can tell the difference.
 * Errors are shared by coalesced calls, so they are copied, never changed.
 */
export function withMoreDiagnosis(error: UpstreamError, text: string, facts: Readonly<Record<string, unknown>>): UpstreamError {
  const before = error.diagnosis;
  return new UpstreamError(error.code, error.message, {
    cause: error.cause,
    httpStatus: error.httpStatus,
    details: error.details,
    diagnosis: { text: before ? `${before.text} ${text}` : text, facts: { ...before?.facts, ...facts } },
  });
}

/** A caller's request cannot be served as asked. */
export class RequestError extends GatewayError {
  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { httpStatus: 400, ...options });
    this.name = 'RequestError';
  }
}

/**
 * An expression was refused (at compile time) or failed (at evaluation). `position` points into
 * the expression's own text, so it can be added to a config file position or sent to a caller.
 */
export class ExprError extends GatewayError {
  readonly position: { offset: number; line: number; column: number } | undefined;
  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions & { position?: { offset: number; line: number; column: number } } = {}) {
    super(code, message, { httpStatus: 400, ...options });
    this.name = 'ExprError';
    this.position = options.position;
  }
}

/** Several config errors found in one pass; the gateway refuses to start on any of them. */
export class ConfigErrorList extends Error {
  readonly errors: readonly ConfigError[];
  constructor(errors: readonly ConfigError[], formatted: string) {
    super(formatted);
    this.name = 'ConfigErrorList';
    this.errors = errors;
  }
}
