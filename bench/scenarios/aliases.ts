import { VARIANTS, type Scenario } from './scenario.ts';

/** Five aliased lookups of the same root field: batched into one CRM call. Request i asks for customers 5·i+1 … 5·i+5. */
export const aliases: Scenario = {
  name: 'aliases',
  title: 'five aliased customers (1 call)',
  query: `query Five($a: ID!, $b: ID!, $c: ID!, $d: ID!, $e: ID!) {
  a: customer(id: $a) { id name tier }
  b: customer(id: $b) { id name tier }
  c: customer(id: $c) { id name tier }
  d: customer(id: $d) { id name tier }
  e: customer(id: $e) { id name tier }
}`,
  variants: Array.from({ length: VARIANTS }, (_, i) => {
    const ids = Array.from({ length: 5 }, (_, k) => String(i * 5 + k + 1));
    const [a, b, c, d, e] = ids;
    return { variables: { a, b, c, d, e }, floor: [[{ service: 'crm', path: `/customers?ids=${ids.join(',')}` }]] };
  }),
};
