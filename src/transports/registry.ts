import type { Transport } from './transport.ts';
import { createHttpTransport } from './http/http-transport.ts';
import { createGrpcTransport } from './grpc/grpc-transport.ts';

/** One factory per protocol: a new transport is a new folder and one line here. */
const FACTORIES: Record<string, () => Transport> = {
  http: () => createHttpTransport(),
  grpc: () => createGrpcTransport(),
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
        const factory = FACTORIES[kind];
        if (!factory) throw new Error(`Tessera invariant failed: no transport registered for "${kind}"`);
        transport = factory();
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
