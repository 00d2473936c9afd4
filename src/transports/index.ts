export { createTransports, TRANSPORT_KINDS, type TransportRegistry } from './registry.ts';
export type { TransportKind } from './transport-kind.ts';
export { createHttpTransport, type HttpTransportOptions } from './http/http-transport.ts';
export { createGrpcTransport, type GrpcTransportOptions } from './grpc/grpc-transport.ts';
export { createThriftTransport, type ThriftTransportOptions } from './thrift/thrift-transport.ts';
export type { Transport, UpstreamRequest, UpstreamResponse, SendFn, RpcCall } from './transport.ts';
