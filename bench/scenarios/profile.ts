import type { Scenario } from './scenario.ts';

/** A caller service's most common request: six fields of one customer, one CRM call. */
export const profile: Scenario = {
  name: 'profile',
  title: 'customer profile (6 fields, 1 call)',
  query: 'query Profile($id: ID!) { customer(id: $id) { id name email tier points status } }',
  variables: { id: '42' },
  idealUpstreamCalls: 1,
  direct: { service: 'crm', path: '/customers?ids=42' },
  floor: [[{ service: 'crm', path: '/customers?ids=42' }]],
};
