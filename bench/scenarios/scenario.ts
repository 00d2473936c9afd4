/**
 * One benchmark scenario: the same GraphQL request is sent to the gateway and to the
 * hand-written baseline, and `directPath` to the upstream itself (the physical limit).
 */
export interface Scenario {
  /** Short id used on the command line (`--scenarios=profile,panel`) and in results. */
  name: string;
  /** What the scenario stands for, printed above its rows. */
  title: string;
  query: string;
  variables: Record<string, unknown>;
  /** Upstream calls one request should make when batched ideally; checked against what the upstreams count. */
  idealUpstreamCalls: number;
  /** The scenario's first upstream request, for the "upstream direct" row: service and path with query. */
  direct: UpstreamGet;
  /**
   * The ideal upstream calls, level by level (each level in parallel, after the previous one),
   * for the "floor" row: a plain node:http server that makes exactly these calls and answers
   * the known response, with no GraphQL at all.
   */
  floor: readonly (readonly UpstreamGet[])[];
}

export interface UpstreamGet {
  service: 'crm' | 'orders' | 'tickets' | 'agents';
  path: string;
}

/** `ids=a,b` for agent lookups, in the order the demo tickets name them. */
export function agentIds(tickets: readonly { agent_id: string }[]): string {
  return [...new Set(tickets.map((t) => t.agent_id))].join(',');
}

/** The JSON body autocannon posts. */
export function requestBody(scenario: Scenario): string {
  return JSON.stringify({ query: scenario.query, variables: scenario.variables });
}
