import type { RpcCall } from '../transport.ts';

/**
 * One RPC method, compiled at boot from the connector's protos (blueprint/compile-grpc-connector.ts):
 * where it is and how its messages are encoded and decoded. Shared by every call of the operation.
 */
export interface GrpcCall extends RpcCall {
  /** Checks a rendered request message against its type and encodes it; throws RequestValueError. */
  encode(message: unknown): Buffer;
}
