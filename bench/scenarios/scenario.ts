/**
 * One benchmark scenario: the same GraphQL requests are sent to the gateway and to the
 * hand-written baseline, and their first upstream requests to the upstream itself (the physical
 * limit). A scenario is a list of variants that differ in their ids, sent in turn, as a load
 * tester replays real traffic: requests in flight at the same time ask for different customers,
 * so no server can answer one from another's upstream call by accident of the bench.
 */
export interface Scenario {
  /** Short id used on the command line (`--scenarios=profile,panel`) and in results. */
  name: string;
  /** What the scenario stands for, printed above its rows. */
  title: string;
  query: string;
  /** false: a call crosses a gRPC upstream, which the floor server and the direct row do not speak, so they skip it. */
  httpOnly?: boolean;
  /** Sent in this order, round and round. */
  variants: readonly Variant[];
}

/** One request of a scenario. */
export interface Variant {
  variables: Record<string, unknown>;
  /**
   * The ideal upstream calls of this request alone, level by level (each level in parallel,
   * after the previous one): checked against what the upstreams count, made by the "floor" row
   * (a plain node:http server with no GraphQL at all), and the first one is the "direct" row's.
   */
  floor: readonly (readonly UpstreamGet[])[];
}

export interface UpstreamGet {
  /** `risk` is the gRPC service and `loyalty` the Thrift one: their calls are counted, never replayed by the floor. */
  service: 'crm' | 'orders' | 'tickets' | 'agents' | 'risk' | 'loyalty';
  path: string;
}

/** Variants per scenario: far more than the 50 connections, so requests in flight never share an id. */
export const VARIANTS = 200;

/** The upstream calls one request of `variant` makes when batched ideally. */
export function idealCalls(variant: Variant): number {
  return variant.floor.reduce((sum, level) => sum + level.length, 0);
}

/** `ids=a,b` for agent lookups, in the order the demo tickets name them. */
export function agentIds(tickets: readonly { agent_id: string }[]): string {
  return [...new Set(tickets.map((t) => t.agent_id))].join(',');
}

/** The JSON body autocannon posts for one variant. */
export function requestBody(scenario: Scenario, variant: Variant): string {
  return JSON.stringify({ query: scenario.query, variables: variant.variables });
}

/** The first `count` customer ids (from 1) for which `keep` holds. */
export function customerIds(count: number, keep: (id: string) => boolean = () => true): string[] {
  const ids: string[] = [];
  for (let n = 1; ids.length < count; n++) {
    if (keep(String(n))) ids.push(String(n));
  }
  return ids;
}
