import { ErrorCodes } from '../errors/codes.ts';

/**
 * The outcome label of a failed upstream call, from its stable error code: a short, fixed set
 * (the codes are a closed catalogue), so the label's cardinality is bounded.
 */
const OUTCOMES: Readonly<Record<string, string>> = {
  [ErrorCodes.UPSTREAM_TIMEOUT]: 'timeout',
  [ErrorCodes.UPSTREAM_HTTP_ERROR]: 'http_error',
  [ErrorCodes.UPSTREAM_ENTITY_NOT_FOUND]: 'not_found',
  [ErrorCodes.UPSTREAM_UNAVAILABLE]: 'unavailable',
  [ErrorCodes.UPSTREAM_BAD_RESPONSE]: 'bad_response',
  [ErrorCodes.UPSTREAM_BODY_ERROR]: 'body_error',
  [ErrorCodes.UPSTREAM_RPC_ERROR]: 'rpc_error',
  [ErrorCodes.CIRCUIT_OPEN]: 'circuit_open',
  [ErrorCodes.OVERLOADED]: 'overloaded',
};

export function upstreamOutcome(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && OUTCOMES[code]) || 'error';
}
