import { CUSTOMER_COUNT } from '../../src/demo/data.ts';
import { VARIANTS, type Scenario } from './scenario.ts';

const PER_REQUEST = 50;

/** Request i asks for customers 50·i+1 … 50·i+50, as customers50 does. */
function window(i: number): string[] {
  return Array.from({ length: PER_REQUEST }, (_, k) => String(((i * PER_REQUEST + k) % CUSTOMER_COUNT) + 1));
}

/**
 * A list's nested field bound through a grouped batch endpoint (`batch.answer: { kind: grouped }`):
 * 50 customers with their 3 most recent orders from `/orders/grouped`, which answers
 * `{ groups: [{ customerId, orders: [...] }] }`. Ideal: one CRM call, one Orders call.
 */
export const grouped50: Scenario = {
  name: 'grouped50',
  title: '50 customers × 3 orders from a grouped batch endpoint (2 calls)',
  query: 'query Grouped($ids: [ID!]!) { customers(ids: $ids) { id name recentOrders(limit: 3) { id totalCents status } } }',
  variants: Array.from({ length: VARIANTS }, (_, i) => {
    const ids = window(i);
    return {
      variables: { ids },
      floor: [[{ service: 'crm', path: `/customers?ids=${ids.join(',')}` }], [{ service: 'orders', path: `/orders/grouped?customerIds=${ids.join(',')}&limit=3` }]],
    };
  }),
};
