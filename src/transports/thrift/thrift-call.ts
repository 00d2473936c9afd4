import type { TProtocol, TTransport } from 'thrift';
import type { EncodingRpcCall } from '../rpc/rpc-call.ts';
import type { ThriftFraming } from './check-thrift-connector-shape.ts';

/** A protocol class of the thrift package (TBinaryProtocol, TCompactProtocol), as the transport builds one per answer. */
export type ProtocolClass = new (transport: TTransport) => TProtocol;

/**
 * One Thrift function, compiled at boot from the connector's IDL (compile-thrift-connector.ts):
 * where it is, how it is framed, how its call is encoded (`encode`, the whole message with its
 * framing) and its reply read (`read`, from the protocol over the bytes received).
 */
export interface ThriftCall extends EncodingRpcCall {
  framing: ThriftFraming;
  protocol: ProtocolClass;
  /** Connections kept to the address at most (the connector's `maxConnections`). */
  maxConnections: number;
  /** Reads one reply message; throws DeclaredException, ApplicationException, MalformedAnswer or the protocol's errors. */
  read(input: TProtocol): unknown;
}
