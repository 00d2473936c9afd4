import { ticketsOfCustomer } from '../../src/demo/data.ts';
import { agentIds, customerIds, VARIANTS, type Scenario } from './scenario.ts';

/**
 * The agent-console panel: a customer, their last 10 orders, their open tickets and each
 * ticket's agent. Four calls over three dependent levels (CRM → Orders + Tickets → Agents).
 * Computed fields: `tier` (a CEL expression over points), `memberSince` (a date format) and
 * `largestOrders` (a list transform over the same Orders call). The variants are the first
 * customers with an open ticket, so that every request makes all four calls.
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
  variants: customerIds(VARIANTS, (id) => ticketsOfCustomer(id, 'open').length > 0).map((id) => ({
    variables: { id },
    floor: [
      [{ service: 'crm', path: `/customers?ids=${id}` }],
      [
        { service: 'orders', path: `/orders?customerIds=${id}&limit=10` },
        { service: 'tickets', path: `/tickets?customerIds=${id}&status=open` },
      ],
      [{ service: 'agents', path: `/agents?ids=${agentIds(ticketsOfCustomer(id, 'open'))}` }],
    ],
  })),
};
