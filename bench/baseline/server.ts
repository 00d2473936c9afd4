import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSchema, createYoga } from 'graphql-yoga';
import { Loaders, type Upstreams } from './loaders.ts';
import { createUpstreamClient } from './upstream-client.ts';

/**
 * The hand-written alternative the gateway is measured against: the same public schema served
 * by graphql-yoga with graphql-js resolvers, one DataLoader per upstream per request and an undici
 * Pool per upstream — what a competent team writes instead of adopting a gateway.
 */
export interface BaselineServer {
  server: Server;
  close(): Promise<void>;
}

type Row = Record<string, unknown>;
interface Context {
  loaders: Loaders;
}

const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas/demo.graphql');
// The demo schema carries the gateway's binding directives; the baseline only needs them declared.
const DIRECTIVES = `
directive @source(connector: String!, operation: String!, key: String, keys: String, params: _Params) on FIELD_DEFINITION
directive @map(from: String!) on FIELD_DEFINITION
scalar _Params
`;

const fromField = (name: string) => (parent: Row) => parent[name];

const resolvers = {
  Query: {
    customer: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.customers.load(args.id),
    customers: (_: unknown, args: { ids: string[] }, ctx: Context) => ctx.loaders.customers.loadMany(args.ids),
    agent: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.agents.load(args.id),
  },
  Customer: {
    name: fromField('full_name'),
    tier: fromField('tier_code'),
    createdAt: fromField('created_at'),
    balanceCents: fromField('balance_cents'),
    lastLoginAt: fromField('last_login_at'),
    marketingOptIn: fromField('marketing_opt_in'),
    orders: (parent: Row, args: { limit: number }, ctx: Context) => ctx.loaders.ordersOf(args.limit).load(String(parent.id)),
    tickets: (parent: Row, args: { status?: string | null }, ctx: Context) => ctx.loaders.ticketsOf(args.status ?? undefined).load(String(parent.id)),
  },
  Address: { countryCode: fromField('country_code') },
  Order: {
    customerId: fromField('customer_id'),
    createdAt: fromField('created_at'),
    totalCents: fromField('total_cents'),
    itemCount: fromField('item_count'),
  },
  Ticket: {
    customerId: fromField('customer_id'),
    createdAt: fromField('created_at'),
    agentId: fromField('agent_id'),
    agent: (parent: Row, _: unknown, ctx: Context) => (parent.agent_id == null ? null : ctx.loaders.agents.load(String(parent.agent_id))),
  },
};

/** Starts the baseline on 127.0.0.1:`port` against the four upstream base URLs. */
export async function startBaselineServer(urls: Record<keyof Upstreams, string>, port = 0): Promise<BaselineServer & { url: string }> {
  const typeDefs = DIRECTIVES + (await readFile(SCHEMA_FILE, 'utf8'));
  const upstreams: Upstreams = {
    crm: createUpstreamClient(urls.crm),
    orders: createUpstreamClient(urls.orders),
    tickets: createUpstreamClient(urls.tickets),
    agents: createUpstreamClient(urls.agents),
  };
  const yoga = createYoga({
    schema: createSchema<Context>({ typeDefs, resolvers }),
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    logging: false,
    context: () => ({ loaders: new Loaders(upstreams) }),
  });
  const server = createServer({ keepAliveTimeout: 65_000 }, yoga);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    server,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(Object.values(upstreams).map((u) => u.close()));
    },
  };
}
