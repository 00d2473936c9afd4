import { ticketsOfCustomer } from '../../src/demo/data.ts';
import { agentIds, customerIds, VARIANTS, type Scenario } from './scenario.ts';

/**
 * A wide query: every customer field, the address, orders, tickets and their agents, plus a
 * few aliases — 60 selected fields, so shaping cost shows. Four calls over three levels: the
 * variants are the first customers with a ticket.
 */
export const wide: Scenario = {
  name: 'wide',
  title: 'wide query (60 fields, 4 calls)',
  query: `query Wide($id: ID!) {
  customer(id: $id) {
    __typename id name email phone points tier status createdAt birthday gender language country
    vip balanceCents lastLoginAt marketingOptIn tags note
    displayName: name contact: email since: createdAt loyalty: points lang: language
    born: birthday optIn: marketingOptIn lastSeen: lastLoginAt balance: balanceCents
    address { __typename street city zip countryCode }
    orders(limit: 10) { __typename id customerId createdAt totalCents currency status itemCount }
    tickets { __typename id customerId subject status priority createdAt agentId
      agent { __typename id name team email } }
  }
}`,
  variants: customerIds(VARIANTS, (id) => ticketsOfCustomer(id).length > 0).map((id) => ({
    variables: { id },
    floor: [
      [{ service: 'crm', path: `/customers?ids=${id}` }],
      [
        { service: 'orders', path: `/orders?customerIds=${id}&limit=10` },
        { service: 'tickets', path: `/tickets?customerIds=${id}` },
      ],
      [{ service: 'agents', path: `/agents?ids=${agentIds(ticketsOfCustomer(id))}` }],
    ],
  })),
};
