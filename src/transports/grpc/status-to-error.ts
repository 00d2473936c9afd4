import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { UpstreamError, type Diagnosis } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import type { UpstreamRequest } from '../transport.ts';

/** Status number → its name (`UNAVAILABLE`), the stable form callers see in `extensions.grpcStatus`. */
const STATUS_NAMES = new Map(Object.entries(GrpcStatus).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k]));

/**
 * Maps a failed call's gRPC status to a stable code (docs/errors.md, "gRPC status codes"). The
 * upstream's status message may name hosts or internals, so it goes to the log (as the cause)
 * and never into the caller's message. `aborted` tells our own cancel (caller gone) from the upstream's.
 */
export function statusToError(error: ServiceError, request: UpstreamRequest, aborted: boolean): UpstreamError {
  const id = `${request.connector}.${request.operation}`;
  const grpcStatus = STATUS_NAMES.get(error.code) ?? 'UNKNOWN';
  const details = { connector: request.connector, operation: request.operation, grpcStatus };
  const diagnosis = diagnose(error, request, grpcStatus);
  switch (error.code) {
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${id} timed out after ${request.timeoutMs} ms`, { details, cause: error, diagnosis, httpStatus: 504 });
    case GrpcStatus.CANCELLED:
      if (aborted) return new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${id} call was aborted`, { details, cause: error, diagnosis, httpStatus: 504 });
      return new UpstreamError(ErrorCodes.UPSTREAM_UNAVAILABLE, `Upstream ${id} cancelled the call`, { details, cause: error, diagnosis, httpStatus: 503 });
    case GrpcStatus.UNAVAILABLE:
      return new UpstreamError(ErrorCodes.UPSTREAM_UNAVAILABLE, `Upstream ${id} is unavailable`, { details, cause: error, diagnosis, httpStatus: 503 });
    case GrpcStatus.NOT_FOUND:
      return new UpstreamError(ErrorCodes.UPSTREAM_ENTITY_NOT_FOUND, `Upstream ${id} has no such entity (gRPC NOT_FOUND)`, { details, cause: error, diagnosis, httpStatus: 404 });
    default:
      return new UpstreamError(ErrorCodes.UPSTREAM_RPC_ERROR, `Upstream ${id} answered gRPC status ${grpcStatus}`, { details, cause: error, diagnosis, httpStatus: 502 });
  }
}

/**
 * `gRPC 127.0.0.1:4105 /risk.v1.RiskService/GetRiskScores: UNAVAILABLE: <status message>`: what
 * a developer needs (dev mode, the log). The status message is the upstream's own text, so it
 * stays here and out of the caller's message.
 */
function diagnose(error: ServiceError, request: UpstreamRequest, grpcStatus: string): Diagnosis {
  const statusMessage = error.details === '' ? undefined : error.details;
  return {
    text: `gRPC ${request.origin} ${request.path}: ${grpcStatus}${statusMessage === undefined ? '' : `: ${statusMessage}`}.`,
    facts: { address: request.origin, method: request.path, grpcStatus, ...(statusMessage === undefined ? {} : { statusMessage }) },
  };
}
