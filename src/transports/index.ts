export { createTransports, type TransportRegistry } from './registry.ts';
export { createHttpTransport, type HttpTransportOptions } from './http/http-transport.ts';
export { createGrpcTransport, type GrpcTransportOptions } from './grpc/grpc-transport.ts';
export type { GrpcCall } from './grpc/grpc-call.ts';
export type { Transport, UpstreamRequest, UpstreamResponse, SendFn } from './transport.ts';
