import { CUSTOMER_COUNT } from '../../src/demo/data.ts';
import { VARIANTS, type Scenario } from './scenario.ts';

const PER_REQUEST = 50;

/** Request i asks for customers 50·i+1 … 50·i+50: the variants together cover the demo's 10,000. */
function window(i: number): string[] {
  return Array.from({ length: PER_REQUEST }, (_, k) => String(((i * PER_REQUEST + k) % CUSTOMER_COUNT) + 1));
}

/** A batch caller: 50 customers by id with up to 3 orders each. One CRM call, one Orders call. */
export const customers50: Scenario = {
  name: 'customers50',
  title: '50 customers × 3 orders (2 calls)',
  query: 'query Many($ids: [ID!]!) { customers(ids: $ids) { id name tier orders(limit: 3) { id totalCents status } } }',
  variants: Array.from({ length: VARIANTS }, (_, i) => {
    const ids = window(i);
    return {
      variables: { ids },
      floor: [[{ service: 'crm', path: `/customers?ids=${ids.join(',')}` }], [{ service: 'orders', path: `/orders?customerIds=${ids.join(',')}&limit=3` }]],
    };
  }),
};
