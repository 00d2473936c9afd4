import { ticketsOfCustomer } from '../../src/demo/data.ts';
import { agentIds, type Scenario } from './scenario.ts';

/**
 * The agent-console panel: a customer, their last 10 orders, their open tickets and each
 * ticket's agent. Four calls over three dependent levels (CRM → Orders + Tickets → Agents).
 * Computed fields: `tier` (a CEL expression over points), `memberSince` (a date format) and
 * `largestOrders` (a list transform over the same Orders call). Customer 52 has 10 orders and
 * 2 open tickets in the demo data.
 */
export const panel: Scenario = {
  name: 'panel',
  title: 'agent panel (4 calls, 3 levels, computed fields)',
  query: `query Panel($id: ID!) {
  customer(id: $id) {
    id name tier points vip status memberSince
    orders(limit: 10) { id createdAt totalCents currency status }
    largestOrders { id totalCents }
    tickets(status: "open") { id subject priority status agent { id name team } }
  }
}`,
  variables: { id: '52' },
  idealUpstreamCalls: 4,
  direct: { service: 'crm', path: '/customers?ids=52' },
  floor: [
    [{ service: 'crm', path: '/customers?ids=52' }],
    [
      { service: 'orders', path: '/orders?customerIds=52&limit=10' },
      { service: 'tickets', path: '/tickets?customerIds=52&status=open' },
    ],
    [{ service: 'agents', path: `/agents?ids=${agentIds(ticketsOfCustomer('52', 'open'))}` }],
  ],
};
