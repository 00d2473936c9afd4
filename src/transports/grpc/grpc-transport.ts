import { Client, credentials, Metadata, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';
import { UpstreamError } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import type { SendOptions, Transport, UpstreamRequest, UpstreamResponse } from '../transport.ts';
import { statusToError } from './status-to-error.ts';

/** Tells the upstream how many ms this call has left, as HTTP's header does; gRPC's own `grpc-timeout` travels too. */
export const DEADLINE_METADATA = 'x-tessera-deadline-ms';

export interface GrpcTransportOptions {
  /** Largest answer accepted from an upstream. */
  maxResponseBytes?: number;
  /** First wait before reconnecting to an upstream that went away; doubles (with jitter) up to `maxReconnectBackoffMs`. */
  initialReconnectBackoffMs?: number;
  maxReconnectBackoffMs?: number;
}

/** Answers are passed through as bytes: the operation's own decoder reads them, so a bad answer is ours to classify. */
const passBytes = (bytes: Buffer): Buffer => bytes;
const serializeBuffer = (bytes: Buffer): Buffer => bytes;

/**
 * Unary gRPC calls with @grpc/grpc-js over one persistent channel (one HTTP/2 connection) per
 * upstream address. Messages arrive already encoded (blueprint compiled the method from the
 * protos), so this file only moves bytes, deadlines and metadata, and maps statuses to codes.
 * A channel that lost its upstream reconnects with exponential backoff; calls made meanwhile
 * fail fast with UNAVAILABLE instead of queueing (grpc-js' default without waitForReady), and
 * every call carries its deadline, so nothing waits unbounded.
 */
export function createGrpcTransport(options: GrpcTransportOptions = {}): Transport {
  const channelOptions: ChannelOptions = {
    'grpc.max_receive_message_length': options.maxResponseBytes ?? 16 * 1024 * 1024, // 16 MiB, as HTTP
    'grpc.initial_reconnect_backoff_ms': options.initialReconnectBackoffMs ?? 200, // 200 ms
    'grpc.max_reconnect_backoff_ms': options.maxReconnectBackoffMs ?? 5_000, // 5 s
    // Our own retry wrapper decides on retries (idempotency, budget, deadline): no second layer.
    'grpc.enable_retries': 0,
  };
  const clients = new Map<string, Client>();
  const clientFor = (address: string): Client => {
    let client = clients.get(address);
    if (!client) {
      client = new Client(address, credentials.createInsecure(), channelOptions);
      clients.set(address, client);
    }
    return client;
  };

  function send(request: UpstreamRequest, { signal }: SendOptions): Promise<UpstreamResponse> {
    const call = request.rpc;
    if (!call || !request.payload) throw new Error('Tessera invariant failed: a gRPC request without its compiled call');
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${request.connector}.${request.operation} call was aborted`, { details: detailsOf(request), httpStatus: 504 }));
        return;
      }
      let metadata: Metadata;
      try {
        metadata = metadataOf(request);
      } catch (error) {
        reject(new UpstreamError(ErrorCodes.UPSTREAM_RPC_ERROR, `Upstream ${request.connector}.${request.operation} call has metadata gRPC cannot carry`, { details: detailsOf(request), cause: error }));
        return;
      }
      let aborted = false;
      const onAbort = (): void => {
        aborted = true;
        pending.cancel();
      };
      const pending = clientFor(call.address).makeUnaryRequest(
        call.path,
        serializeBuffer,
        passBytes,
        request.payload as Buffer,
        metadata,
        { deadline: Date.now() + request.timeoutMs },
        (error: ServiceError | null, bytes?: Buffer) => {
          signal?.removeEventListener('abort', onAbort);
          if (error) {
            reject(statusToError(error, request, aborted));
            return;
          }
          let body: Record<string, unknown>;
          try {
            body = call.decode(bytes!);
          } catch (cause) {
            reject(new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${request.connector}.${request.operation} answered a message that does not decode`, { details: detailsOf(request), cause }));
            return;
          }
          resolve({ status: 200, body, bytes: bytes!.length });
        },
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    kind: 'grpc',
    send,
    close: async () => {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}

/** The call's metadata: the connector's static entries, the forwarded headers (request id, marks) and the deadline. */
function metadataOf(request: UpstreamRequest): Metadata {
  const metadata = new Metadata();
  const own = request.headers;
  for (const name in own) if (name !== DEADLINE_METADATA) metadata.set(name, own[name]!);
  metadata.set(DEADLINE_METADATA, String(request.timeoutMs));
  return metadata;
}

function detailsOf(request: UpstreamRequest): Record<string, unknown> {
  return { connector: request.connector, operation: request.operation };
}
