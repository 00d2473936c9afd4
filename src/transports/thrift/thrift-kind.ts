import type { TransportKind } from '../transport-kind.ts';
import { checkThriftConnectorShape } from './check-thrift-connector-shape.ts';
import { compileThriftConnector } from './compile-thrift-connector.ts';
import { createThriftTransport } from './thrift-transport.ts';

/** `transport: thrift`: connectors compiled from their .thrift IDL at run time (no generated code), called over pooled TCP connections. */
export const THRIFT_KIND: TransportKind = {
  create: () => createThriftTransport(),
  checkShape: checkThriftConnectorShape,
  compileConnector: compileThriftConnector,
};
