import { CUSTOMER_COUNT } from '../../src/demo/data.ts';
import { VARIANTS, type Scenario } from './scenario.ts';

const PER_REQUEST = 50;

/** Request i asks for customers 50·i+1 … 50·i+50, as customers50 does. */
function window(i: number): string[] {
  return Array.from({ length: PER_REQUEST }, (_, k) => String(((i * PER_REQUEST + k) % CUSTOMER_COUNT) + 1));
}

/**
 * Across a Thrift upstream: 50 customers from the CRM (HTTP) with each one's loyalty account from
 * the Loyalty service (Thrift, compact protocol, framed; IDL parsed at run time), one call each.
 * The baseline calls it with the thrift package's client, as a team would. The floor and direct
 * rows speak only HTTP, so this scenario has none.
 */
export const loyalty50: Scenario = {
  name: 'loyalty50',
  title: '50 customers × loyalty over Thrift (2 calls: HTTP + Thrift)',
  query: 'query Loyalty($ids: [ID!]!) { customers(ids: $ids) { id name tier loyalty { level pointsBalance pointsExpireOn } } }',
  httpOnly: false,
  variants: Array.from({ length: VARIANTS }, (_, i) => {
    const ids = window(i);
    return {
      variables: { ids },
      floor: [[{ service: 'crm', path: `/customers?ids=${ids.join(',')}` }, { service: 'loyalty', path: `getAccounts customerIds=${ids.join(',')}` }]],
    };
  }),
};
