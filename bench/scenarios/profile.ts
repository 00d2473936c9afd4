import { customerIds, VARIANTS, type Scenario } from './scenario.ts';

/** A caller service's most common request: six fields of one customer, one CRM call. */
export const profile: Scenario = {
  name: 'profile',
  title: 'customer profile (6 fields, 1 call)',
  query: 'query Profile($id: ID!) { customer(id: $id) { id name email tier points status } }',
  variants: customerIds(VARIANTS).map((id) => ({ variables: { id }, floor: [[{ service: 'crm', path: `/customers?ids=${id}` }]] })),
};
