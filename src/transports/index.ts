export { createTransports, type TransportRegistry } from './registry.ts';
export { createHttpTransport, type HttpTransportOptions } from './http/http-transport.ts';
export type { Transport, UpstreamRequest, UpstreamResponse, SendFn } from './transport.ts';
