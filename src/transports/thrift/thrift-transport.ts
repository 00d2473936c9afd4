import type { SendOptions, Transport, UpstreamRequest, UpstreamResponse } from '../transport.ts';
import type { ThriftCall } from './thrift-call.ts';
import { ThriftPool, type PoolSettings } from './thrift-pool.ts';

export interface ThriftTransportOptions {
  /** Largest reply accepted from an upstream, in bytes (a frame, or an unframed message). */
  maxResponseBytes?: number;
  /** First wait before connecting again to an upstream that refused; doubles (with jitter) up to `maxReconnectBackoffMs`. */
  initialReconnectBackoffMs?: number;
  maxReconnectBackoffMs?: number;
  /** Calls that may wait for a free connection per address when all are busy; beyond it a call fails with OVERLOADED. */
  maxWaiting?: number;
}

/**
 * Thrift calls over plain TCP with a pool of persistent connections per upstream (address,
 * protocol and framing). Calls arrive already encoded (compile-thrift-connector.ts built them
 * from the IDL), so this file only hands them to the pool of their address; thrift-pool.ts moves
 * the bytes, bounds every wait by the call's budget and maps failures to stable codes.
 */
export function createThriftTransport(options: ThriftTransportOptions = {}): Transport {
  const settings: PoolSettings = {
    maxResponseBytes: options.maxResponseBytes ?? 16 * 1024 * 1024, // 16 MiB, as HTTP and gRPC
    initialBackoffMs: options.initialReconnectBackoffMs ?? 200, // 200 ms, as gRPC's channel
    maxBackoffMs: options.maxReconnectBackoffMs ?? 5_000, // 5 s
    maxWaiting: options.maxWaiting ?? 1_024,
  };
  const pools = new Map<string, ThriftPool>();

  function send(request: UpstreamRequest, { signal }: SendOptions): Promise<UpstreamResponse> {
    const call = request.rpc as ThriftCall | undefined;
    if (!call || !request.payload) throw new Error('Tessera invariant failed: a Thrift request without its compiled call');
    const key = `${call.address} ${call.framing} ${call.protocol.name}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new ThriftPool(call.address, call.framing, call.protocol, call.maxConnections, settings);
      pools.set(key, pool);
    }
    return pool.call(request, call, signal);
  }

  return {
    kind: 'thrift',
    send,
    close: async () => {
      for (const pool of pools.values()) pool.close();
      pools.clear();
    },
  };
}
