import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { objectView, OPERATOR_LIMITS, type CompiledExpression, type ShapeField } from '../expr/index.ts';
import type { UpstreamRequest, UpstreamResponse } from '../transports/transport.ts';
import { readPath } from '../util/read-path.ts';
import type { SendWrapper } from './compose.ts';

/** An operation's `envelope:`, compiled at boot (blueprint/compile-envelope.ts). */
export interface EnvelopePolicy {
  /** True for an answer that is a failure; undefined = answers are never failures. */
  failWhen: CompiledExpression | undefined;
  /** The top-level body fields `failWhen` reads: only these are converted for CEL. */
  failReads: readonly ShapeField[];
  /** Where the data is; [] = the whole body. */
  dataPath: readonly string[];
  codePath: readonly string[] | undefined;
  messagePath: readonly string[] | undefined;
  messageSafe: boolean;
  /** Upstream codes, as text, whose failures are worth a retry. */
  retryOn: ReadonlySet<string>;
}

/** `details` key of a body failure that `retryOn` lists: resilience/retry.ts retries it. */
export const RETRYABLE_BODY_FAILURE = 'retryableBodyFailure';
/** `details` key of the upstream's message, for the log only (unless `messageSafe`). */
export const LOGGED_UPSTREAM_MESSAGE = 'loggedUpstreamMessage';
/** Longest upstream message kept, in the error or the log. */
const MAX_MESSAGE_CHARS = 200;

/**
 * Decides, below the breaker and the retry, whether a 200 answer is a failure by its body
 * (`{ code: 1001, msg: "…", data: null }`), so both count it as one; a success gives only its
 * data on (cached as such). Composed only for connectors that declare an envelope.
 */
export function withEnvelope(): SendWrapper {
  return (next) => (request, options) => {
    const envelope = request.policy.envelope;
    if (envelope === undefined) return next(request, options);
    return next(request, options).then((response) => openEnvelope(response, envelope, request));
  };
}

/** The answer's data, or the UpstreamError its body declares. */
export function openEnvelope(response: UpstreamResponse, envelope: EnvelopePolicy, request: UpstreamRequest): UpstreamResponse {
  const body = response.body;
  if (envelope.failWhen && isFailure(body, envelope, request)) throw bodyFailure(body, envelope, request);
  if (envelope.dataPath.length === 0) return response;
  return { status: response.status, body: readPath(body, envelope.dataPath) ?? null, bytes: response.bytes };
}

function isFailure(body: unknown, envelope: EnvelopePolicy, request: UpstreamRequest): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${request.connector}.${request.operation} answered without its declared envelope`, {
      details: { connector: request.connector, operation: request.operation },
    });
  }
  let verdict: unknown;
  try {
    verdict = envelope.failWhen!.evaluate({ body: objectView(body, envelope.failReads, OPERATOR_LIMITS) });
  } catch (error) {
    // Whether it failed cannot be told: the answer is not what was declared.
    throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${request.connector}.${request.operation} answer could not be checked by envelope.failWhen`, {
      details: { connector: request.connector, operation: request.operation },
      cause: error,
    });
  }
  if (typeof verdict === 'boolean') return verdict;
  // `body.code` alone is not a verdict: CEL has no truthiness, and guessing one would hide a config slip.
  throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${request.connector}.${request.operation} answer gave envelope.failWhen a ${verdict === null ? 'null' : typeof verdict}, not true or false`, {
    details: { connector: request.connector, operation: request.operation },
  });
}

function bodyFailure(body: unknown, envelope: EnvelopePolicy, request: UpstreamRequest): UpstreamError {
  const id = `${request.connector}.${request.operation}`;
  const details: Record<string, unknown> = { connector: request.connector, operation: request.operation };
  const code = envelope.codePath ? readPath(body, envelope.codePath) : undefined;
  const upstreamCode = typeof code === 'string' || typeof code === 'number' || typeof code === 'boolean' ? code : undefined;
  if (upstreamCode !== undefined) details.upstreamCode = upstreamCode;
  if (upstreamCode !== undefined && envelope.retryOn.has(String(upstreamCode))) details[RETRYABLE_BODY_FAILURE] = true;
  const raw = envelope.messagePath ? readPath(body, envelope.messagePath) : undefined;
  const message = typeof raw === 'string' && raw !== '' ? raw.slice(0, MAX_MESSAGE_CHARS) : undefined;
  if (message !== undefined) details[envelope.messageSafe ? 'upstreamMessage' : LOGGED_UPSTREAM_MESSAGE] = message;
  const codeText = upstreamCode === undefined ? '' : ` (upstream code ${JSON.stringify(upstreamCode)})`;
  const safeText = envelope.messageSafe && message !== undefined ? `: ${message}` : '';
  return new UpstreamError(ErrorCodes.UPSTREAM_BODY_ERROR, `Upstream ${id} reported a failure in its answer${codeText}${safeText}`, { details });
}
