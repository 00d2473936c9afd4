import { CUSTOMER_COUNT } from '../../src/demo/data.ts';
import { VARIANTS, type Scenario } from './scenario.ts';

const PER_REQUEST = 50;

/** Request i asks for customers 50·i+1 … 50·i+50, as customers50 does. */
function window(i: number): string[] {
  return Array.from({ length: PER_REQUEST }, (_, k) => String(((i * PER_REQUEST + k) % CUSTOMER_COUNT) + 1));
}

/**
 * Across an RPC upstream: 50 customers from the CRM (HTTP) with each one's fraud risk from the
 * Risk service (gRPC, protos loaded at run time), one call each. The risk is keyed by the
 * customer id the query already names, so the gateway sends both calls at once. The floor and
 * direct rows speak only HTTP, so this scenario has none.
 */
export const risk50: Scenario = {
  name: 'risk50',
  title: '50 customers × fraud risk over gRPC (2 calls: HTTP + gRPC)',
  query: 'query Risk($ids: [ID!]!) { customers(ids: $ids) { id name tier risk { fraudScore level flags exposureMicros assessedAt } } }',
  httpOnly: false,
  variants: Array.from({ length: VARIANTS }, (_, i) => {
    const ids = window(i);
    return {
      variables: { ids },
      floor: [[{ service: 'crm', path: `/customers?ids=${ids.join(',')}` }, { service: 'risk', path: `GetRiskScores customer_ids=${ids.join(',')}` }]],
    };
  }),
};
