import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { graphql, type GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BINDING_DIRECTIVES_SDL } from '../../src/blueprint/compile-schema.ts';
import { agentById, customerById, ordersOfCustomer, ticketsOfCustomer, type Customer, type Order, type Ticket } from '../../src/demo/data.ts';
import { REPO_ROOT, startDemo, type TestDemo } from '../support/gateway.ts';

/**
 * Differential correctness: the gateway (planned, batched, shaped in one pass) must answer exactly
 * what plain graphql-js execution answers with naive per-field resolvers reading the same demo
 * data in memory. Any difference in data, field order, null placement or error paths is a bug in
 * planning, batching or shaping.
 */
const NOT_FOUND = (what: string) => new Error(`${what} not found`);

const naiveResolvers = {
  Query: {
    customer: (_: unknown, { id }: { id: string }) => customerById(id) ?? NOT_FOUND(`customer ${id}`),
    customers: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => customerById(id) ?? NOT_FOUND(`customer ${id}`)),
    agent: (_: unknown, { id }: { id: string }) => agentById(id) ?? NOT_FOUND(`agent ${id}`),
  },
  Customer: {
    name: (c: Customer) => c.full_name,
    // Computed and masked in schemas/demo.graphql; written out by hand here.
    tier: (c: Customer) => (c.points >= 40_000 ? 'platinum' : c.points >= 25_000 ? 'gold' : c.points >= 10_000 ? 'silver' : 'bronze'),
    phone: (c: Customer) => '*'.repeat(c.phone.length - 4) + c.phone.slice(-4),
    balance: (c: Customer) => c.balance_cents / 100,
    // Asia/Shanghai has no daylight saving time: UTC+8 all year.
    memberSince: (c: Customer) => new Date(Date.parse(c.created_at) + 8 * 3_600_000).toISOString().slice(0, 10),
    openTicketCount: (c: Customer) => ticketsOfCustomer(c.id).filter((t) => t.status === 'open').length,
    largestOrders: (c: Customer, { among }: { among: number }) =>
      [...ordersOfCustomer(c.id, among)].sort((a, b) => b.total_cents - a.total_cents).slice(0, 3),
    createdAt: (c: Customer) => c.created_at,
    balanceCents: (c: Customer) => c.balance_cents,
    lastLoginAt: (c: Customer) => c.last_login_at,
    marketingOptIn: (c: Customer) => c.marketing_opt_in,
    orders: (c: Customer, { limit }: { limit?: number | null }) => ordersOfCustomer(c.id, limit ?? undefined),
    tickets: (c: Customer, { status }: { status?: string | null }) => ticketsOfCustomer(c.id, status ?? undefined),
  },
  Address: { countryCode: (a: Customer['address']) => a.country_code },
  Order: {
    customerId: (o: Order) => o.customer_id,
    createdAt: (o: Order) => o.created_at,
    totalCents: (o: Order) => o.total_cents,
    itemCount: (o: Order) => o.item_count,
  },
  Ticket: {
    customerId: (t: Ticket) => t.customer_id,
    createdAt: (t: Ticket) => t.created_at,
    agentId: (t: Ticket) => t.agent_id,
    agent: (t: Ticket) => (t.agent_id ? (agentById(t.agent_id) ?? NOT_FOUND(`agent ${t.agent_id}`)) : null),
  },
};

const CASES: { name: string; query: string; variables?: Record<string, unknown> }[] = [
  { name: 'profile', query: '{ customer(id: "42") { id name email phone points tier } }' },
  {
    name: 'agent panel with variables',
    query: `query Panel($id: ID!) { customer(id: $id) { id name tier points orders(limit: 3) { id createdAt totalCents status }
              tickets(status: "open") { id subject agent { name team } } } }`,
    variables: { id: '42' },
  },
  { name: 'every customer field', query: '{ customer(id: "7") { id name email phone points tier status createdAt birthday gender language country vip balanceCents lastLoginAt marketingOptIn address { street city zip countryCode } tags note } }' },
  {
    name: 'aliases of the same field with other arguments',
    query: '{ a: customer(id: "1") { id } b: customer(id: "2") { id n: name } c: customer(id: "1") { name } d: customer(id: "3") { recent: orders(limit: 1) { id } all: orders { id } } }',
  },
  {
    name: 'named fragments, inline fragments and __typename',
    query: `query { __typename customers(ids: ["5", "6"]) { ...Who ... on Customer { address { ...Where } } __typename } }
            fragment Who on Customer { id name tickets { ...T } }
            fragment Where on Address { city __typename }
            fragment T on Ticket { id status agent { __typename id } }`,
  },
  {
    name: 'overlapping selections merge',
    query: '{ customer(id: "9") { id orders(limit: 2) { id } ... on Customer { orders(limit: 2) { totalCents } } } }',
  },
  {
    name: '@skip and @include with variables',
    query: `query ($withOrders: Boolean!, $noTickets: Boolean!) { customer(id: "11") { id orders(limit: 2) @include(if: $withOrders) { id }
              tickets @skip(if: $noTickets) { id } name @skip(if: true) } }`,
    variables: { withOrders: true, noTickets: true },
  },
  {
    name: '@skip and @include, the other way',
    query: `query ($withOrders: Boolean!, $noTickets: Boolean!) { customer(id: "11") { id orders(limit: 2) @include(if: $withOrders) { id }
              tickets @skip(if: $noTickets) { id } } }`,
    variables: { withOrders: false, noTickets: false },
  },
  { name: 'default argument values', query: 'query ($limit: Int) { customer(id: "12") { orders(limit: $limit) { id } } }' },
  { name: 'unknown ids are null with an error at their own position', query: '{ customers(ids: ["3", "nope", "4", "99999"]) { id name } }' },
  { name: 'an unknown single customer', query: '{ customer(id: "0") { id } known: customer(id: "10000") { id } }' },
  { name: 'an unknown agent at the root', query: '{ agent(id: "zz") { id } real: agent(id: "a7") { id name team email } }' },
  {
    name: 'the same customer many times in one list',
    query: '{ customers(ids: ["8", "8", "2", "8"]) { id orders(limit: 1) { id customerId } tickets(status: "closed") { agentId agent { name } } } }',
  },
  {
    name: 'introspection beside data fields',
    query: '{ __schema { queryType { name } } c: customer(id: "13") { id } __type(name: "Agent") { name fields { name } } }',
  },
  {
    name: 'variables inside list literals and input defaults',
    query: 'query ($second: ID!, $st: String = "open") { customers(ids: ["14", $second]) { id tickets(status: $st) { id status } } }',
    variables: { second: '15' },
  },
  {
    name: 'fragment spreads on the root and nested fragments with directives',
    query: `query ($full: Boolean = false) { ...Root }
            fragment Root on Query { customer(id: "16") { id ...Extra @include(if: $full) ... @skip(if: $full) { email } } }
            fragment Extra on Customer { phone orders(limit: 1) { id } }`,
  },
  {
    name: 'computed, masked, formatted and transformed fields, with and without their inputs selected',
    query: `{ a: customer(id: "17") { tier phone balance memberSince openTicketCount largestOrders { id totalCents } }
              b: customer(id: "18") { points tier tickets { status } openTicketCount largestOrders(among: 5) { totalCents } }
              c: customers(ids: ["19", "20"]) { tier phone } }`,
  },
  {
    name: 'fifty customers, three levels',
    query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id tier orders(limit: 3) { id itemCount } tickets { id priority agent { id name } } } }',
    variables: { ids: Array.from({ length: 50 }, (_, i) => String(i * 173 + 1)) },
  },
  {
    name: 'a selection wider than compiled shapers take (the generic shaping walk)',
    query: `{ customers(ids: ["21", "nope"]) { ${Array.from({ length: 70 }, (_, i) => `a${i}: ${i % 2 ? 'name' : 'points'}`).join(' ')} orders(limit: 1) { id } } }`,
  },
];

let demo: TestDemo;
let naive: GraphQLSchema;
beforeAll(async () => {
  demo = await startDemo();
  const sdl = await readFile(path.join(REPO_ROOT, 'schemas', 'demo.graphql'), 'utf8');
  naive = makeExecutableSchema({ typeDefs: [BINDING_DIRECTIVES_SDL, sdl], resolvers: naiveResolvers });
});
afterAll(() => demo.close());

/** Error paths and locations, sorted: messages and codes differ by design (the naive side has none). */
function errorPaths(errors: readonly { path?: readonly (string | number)[]; locations?: readonly unknown[] }[] | undefined): string[] {
  return (errors ?? []).map((e) => JSON.stringify([e.path ?? null, e.locations ?? null])).sort();
}

describe('differential: gateway vs naive graphql-js resolvers over the same data', () => {
  test.for(CASES)('$name', async ({ query, variables }) => {
    const expected = await graphql({ schema: naive, source: query, variableValues: variables });
    const actual = await demo.query(query, variables);
    expect(actual.status).toBe(200);
    // Compare serialised JSON so that field order counts too.
    expect(JSON.stringify(actual.body.data)).toBe(JSON.stringify(expected.data));
    expect(errorPaths(actual.body.errors)).toEqual(errorPaths(expected.errors?.map((e) => e.toJSON())));
    for (const error of actual.body.errors ?? []) expect(error.extensions?.code).toMatch(/^UPSTREAM_/);
  });
});

// Shaping compiles a selection set the second time it is shaped (execute/shape-result.ts), so
// the same cases again go through the compiled shapers at every level, the root included.
describe('differential: the same cases again, through compiled shapers', () => {
  test.for(CASES)('$name', async ({ query, variables }) => {
    await demo.query(query, variables);
    const expected = await graphql({ schema: naive, source: query, variableValues: variables });
    const actual = await demo.query(query, variables);
    expect(actual.status).toBe(200);
    expect(JSON.stringify(actual.body.data)).toBe(JSON.stringify(expected.data));
    expect(errorPaths(actual.body.errors)).toEqual(errorPaths(expected.errors?.map((e) => e.toJSON())));
  });
});
