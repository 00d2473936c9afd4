import type { Transport, UpstreamRequest } from '../../src/transports/transport.ts';
import { AGENTS_ROUTES, CRM_ROUTES, ORDERS_ROUTES, TICKETS_ROUTES } from '../../src/demo/demo-routes.ts';
import type { Route } from '../../src/demo/json-service.ts';

const ROUTES: Record<string, readonly Route[]> = { crm: CRM_ROUTES, orders: ORDERS_ROUTES, tickets: TICKETS_ROUTES, agents: AGENTS_ROUTES };

/**
 * A transport that answers from the demo routes in memory, with a JSON round trip so the
 * executor gets fresh objects as from the network. Micro-benchmarks use it to time the engine
 * without sockets.
 */
export function inMemoryDemoTransport(): Transport {
  return {
    kind: 'http',
    async send(request: UpstreamRequest) {
      const at = request.path.indexOf('?');
      const path = at === -1 ? request.path : request.path.slice(0, at);
      const query = new URLSearchParams(at === -1 ? '' : request.path.slice(at + 1));
      const segments = path.split('/').slice(1);
      for (const route of ROUTES[request.connector] ?? []) {
        const pattern = route.pattern.split('/').slice(1);
        if (pattern.length !== segments.length) continue;
        const params: Record<string, string> = {};
        if (!pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(segments[i]!)), true) : p === segments[i]))) continue;
        const reply = route.handle(params, query);
        const text = JSON.stringify(reply.body);
        return { status: reply.status, body: JSON.parse(text) as unknown, bytes: text.length };
      }
      return { status: 404, body: null, bytes: 0 };
    },
    close: async () => undefined,
  };
}
