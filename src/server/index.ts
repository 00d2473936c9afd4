export { createHttpServer, type HttpServerOptions, type GatewayHttpServer } from './create-server.ts';
export { EXPLAIN_HEADER } from './explain-header.ts';
export { Admission, type AdmissionOptions } from './admission.ts';
export { resolveServerSettings, SERVER_DEFAULTS, type ServerSettings } from './server-settings.ts';
