import type { Scenario } from './scenario.ts';

/** Five aliased lookups of the same root field: batched into one CRM call. */
export const aliases: Scenario = {
  name: 'aliases',
  title: 'five aliased customers (1 call)',
  query: `query Five {
  a: customer(id: "11") { id name tier }
  b: customer(id: "12") { id name tier }
  c: customer(id: "13") { id name tier }
  d: customer(id: "14") { id name tier }
  e: customer(id: "15") { id name tier }
}`,
  variables: {},
  idealUpstreamCalls: 1,
  direct: { service: 'crm', path: '/customers?ids=11,12,13,14,15' },
  floor: [[{ service: 'crm', path: '/customers?ids=11,12,13,14,15' }]],
};
