import type { RpcCall } from '../transport.ts';

/**
 * One RPC method, compiled at boot from the connector's IDL (a .proto, a .thrift): where it is
 * and how its requests are encoded. Shared by every call of the operation.
 */
export interface EncodingRpcCall extends RpcCall {
  /** Checks a rendered request against its type and encodes it; throws RequestValueError. */
  encode(message: unknown): Buffer;
}
