import { Server, ServerCredentials, loadPackageDefinition, type status, type GrpcObject, type Metadata, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** One call as the fake upstream saw it: its request decoded by @grpc/proto-loader (not by our code) and its metadata. */
export interface RecordedGrpcCall {
  method: string;
  request: Record<string, unknown>;
  metadata: Record<string, string>;
  /** The gRPC deadline the call arrived with (`grpc-timeout`), in ms since the epoch; Infinity when none. */
  deadline: number;
}

/** What a handler may answer: a message, or `{ error: { code, details } }` to fail with a gRPC status. */
export type GrpcHandler = (request: Record<string, unknown>, metadata: Metadata) => unknown;

export interface GrpcUpstream {
  address: string;
  port: number;
  calls: RecordedGrpcCall[];
  /** Stops the server and drops its connections at once. */
  close(): Promise<void>;
}

/** Fails a call with this gRPC status. */
export function grpcError(code: status, details = 'failed'): Error {
  return Object.assign(new Error(details), { code, details }) as ServiceError;
}

/**
 * A real gRPC server on 127.0.0.1 (port 0 unless given), built at run time from a .proto with
 * @grpc/proto-loader and grpc-js, the way a team writes one: an implementation independent of the
 * gateway's own protobufjs encoding. Handlers may return a promise; a thrown error with a `code` is
 * the call's status.
 */
export async function startGrpcUpstream(options: { proto: string; service: string; handlers: Record<string, GrpcHandler>; port?: number }): Promise<GrpcUpstream> {
  const definition = loadSync(options.proto, { keepCase: true, longs: String, enums: String, bytes: String, defaults: false, oneofs: false });
  const pkg = loadPackageDefinition(definition);
  const ctor = options.service.split('.').reduce<unknown>((ns, name) => (ns as GrpcObject)[name], pkg) as { service: ServiceDefinition };
  const calls: RecordedGrpcCall[] = [];
  const server = new Server();
  const impl: Record<string, (call: { request: Record<string, unknown>; metadata: Metadata; getDeadline(): Date | number }, callback: (error: ServiceError | null, value?: unknown) => void) => void> = {};
  for (const [name, handler] of Object.entries(options.handlers)) {
    impl[name] = (call, callback) => {
      const metadata = Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, String(v)]));
      const deadline = call.getDeadline();
      calls.push({ method: name, request: call.request, metadata, deadline: deadline instanceof Date ? deadline.getTime() : deadline });
      Promise.resolve()
        .then(() => handler(call.request, call.metadata))
        .then(
          (value) => callback(null, value),
          (error: ServiceError) => callback(error),
        );
    };
  }
  server.addService(ctor.service, impl as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    port,
    calls,
    close: async () => {
      server.forceShutdown();
    },
  };
}
