import type { Scenario } from './scenario.ts';

const IDS = Array.from({ length: 50 }, (_, i) => String(i + 1));

/** A batch caller: 50 customers by id with up to 3 orders each. One CRM call, one Orders call. */
export const customers50: Scenario = {
  name: 'customers50',
  title: '50 customers × 3 orders (2 calls)',
  query: 'query Many($ids: [ID!]!) { customers(ids: $ids) { id name tier orders(limit: 3) { id totalCents status } } }',
  variables: { ids: IDS },
  idealUpstreamCalls: 2,
  direct: { service: 'crm', path: `/customers?ids=${IDS.join(',')}` },
  floor: [[{ service: 'crm', path: `/customers?ids=${IDS.join(',')}` }], [{ service: 'orders', path: `/orders?customerIds=${IDS.join(',')}&limit=3` }]],
};
