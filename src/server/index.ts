export { createHttpServer, type HttpServerOptions, type GatewayHttpServer } from './create-server.ts';
export { EXPLAIN_HEADER } from './explain-header.ts';
