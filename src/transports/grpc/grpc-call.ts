/**
 * One RPC method, compiled at boot from the connector's protos (blueprint/compile-grpc-connector.ts):
 * where it is and how its messages are encoded and decoded. Shared by every call of the operation.
 */
export interface GrpcCall {
  /** `host:port` of the upstream; the transport keeps one channel per address. */
  address: string;
  /** The HTTP/2 path of the method, `/package.Service/Method`. */
  path: string;
  /** Checks a rendered request message against its type and encodes it; throws RequestValueError. */
  encode(message: unknown): Buffer;
  /** Decodes an answer into plain data (the coercion table of docs/config.md); throws on malformed bytes. */
  decode(bytes: Uint8Array): Record<string, unknown>;
}
