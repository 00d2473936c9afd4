import type { TransportKind } from '../transport-kind.ts';
import { createGrpcTransport } from './grpc-transport.ts';
import { checkGrpcConnectorShape } from './check-grpc-connector-shape.ts';
import { compileGrpcConnector } from './compile-grpc-connector.ts';

/** gRPC: connector files with protos, compiled at boot from the protos (no generated code), called with grpc-js. */
export const GRPC_KIND: TransportKind = {
  create: () => createGrpcTransport(),
  checkShape: checkGrpcConnectorShape,
  compileConnector: compileGrpcConnector,
};
