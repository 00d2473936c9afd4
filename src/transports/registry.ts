import type { Transport } from './transport.ts';
import type { TransportKind } from './transport-kind.ts';
import { createHttpTransport } from './http/http-transport.ts';
import { GRPC_KIND } from './grpc/grpc-kind.ts';
import { THRIFT_KIND } from './thrift/thrift-kind.ts';

/** One entry per protocol, by its `transport:` name: a new transport is a new folder and one line here. */
export const TRANSPORT_KINDS: Readonly<Record<string, TransportKind>> = {
  http: { create: () => createHttpTransport() },
  grpc: GRPC_KIND,
  thrift: THRIFT_KIND,
};

export interface TransportRegistry {
  get(kind: string): Transport;
  close(): Promise<void>;
}

/** Creates transports lazily, one per kind, shared by every connector of that kind. */
export function createTransports(): TransportRegistry {
  const created = new Map<string, Transport>();
  return {
    get(kind) {
      let transport = created.get(kind);
      if (!transport) {
        const entry = TRANSPORT_KINDS[kind];
        if (!entry) throw new Error(`Tessera invariant failed: no transport registered for "${kind}"`);
        transport = entry.create();
        created.set(kind, transport);
      }
      return transport;
    },
    async close() {
      await Promise.all([...created.values()].map((t) => t.close()));
      created.clear();
    },
  };
}
