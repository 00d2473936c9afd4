import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSchema, createYoga } from 'graphql-yoga';
// The demo schema carries the gateway's directives; the baseline only needs them declared.
import { BINDING_DIRECTIVES_SDL } from '../../src/blueprint/compile-schema.ts';
import { Loaders, type Upstreams } from './loaders.ts';
import { createUpstreamClient } from './upstream-client.ts';
import { createRiskClient } from './risk-client.ts';
import { createLoyaltyClient } from './loyalty-client.ts';

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

const fromField = (name: string) => (parent: Row) => parent[name];

const resolvers = {
  Query: {
    customer: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.customers.load(args.id),
    customers: (_: unknown, args: { ids: string[] }, ctx: Context) => ctx.loaders.customers.loadMany(args.ids),
    agent: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.agents.load(args.id),
  },
  Customer: {
    name: fromField('full_name'),
    // What the demo schema computes, masks and formats with directives, written out by hand.
    tier: (c: Row) => {
      const points = c.points as number | null;
      if (points == null) return null;
      return points >= 40_000 ? 'platinum' : points >= 25_000 ? 'gold' : points >= 10_000 ? 'silver' : 'bronze';
    },
    phone: (c: Row) => (typeof c.phone === 'string' ? maskKeepLast(c.phone, 4) : null),
    balance: (c: Row) => (typeof c.balance_cents === 'number' ? c.balance_cents / 100 : null),
    // Asia/Shanghai has no daylight saving time: UTC+8 all year.
    memberSince: (c: Row) => (typeof c.created_at === 'string' ? new Date(Date.parse(c.created_at) + 8 * 3_600_000).toISOString().slice(0, 10) : null),
    largestOrders: async (c: Row, args: { among: number }, ctx: Context) =>
      [...(await ctx.loaders.ordersOf(args.among).load(String(c.id)))].sort((a, b) => (b.total_cents as number) - (a.total_cents as number)).slice(0, 3),
    openTicketCount: async (c: Row, _: unknown, ctx: Context) =>
      (await ctx.loaders.ticketsOf(undefined).load(String(c.id))).filter((t) => t.status === 'open').length,
    createdAt: fromField('created_at'),
    balanceCents: fromField('balance_cents'),
    lastLoginAt: fromField('last_login_at'),
    marketingOptIn: fromField('marketing_opt_in'),
    orders: (parent: Row, args: { limit: number }, ctx: Context) => ctx.loaders.ordersOf(args.limit).load(String(parent.id)),
    recentOrders: (parent: Row, args: { limit: number }, ctx: Context) => ctx.loaders.recentOrdersOf(args.limit).load(String(parent.id)),
    tickets: (parent: Row, args: { status?: string | null }, ctx: Context) => ctx.loaders.ticketsOf(args.status ?? undefined).load(String(parent.id)),
    risk: (parent: Row, _: unknown, ctx: Context) => ctx.loaders.risk.load(String(parent.id)),
    loyalty: (parent: Row, _: unknown, ctx: Context) => ctx.loaders.loyalty.load(String(parent.id)),
  },
  Risk: {
    fraudScore: fromField('fraud_score'),
    exposureMicros: fromField('exposure_micros'),
    // A Timestamp message by hand, as RFC 3339 (the demo's have no fraction of a second).
    assessedAt: (r: Row) => {
      const at = r.assessed_at as { seconds: string; nanos: number } | null;
      return at ? new Date(Number(at.seconds) * 1000).toISOString().replace('.000Z', 'Z') : null;
    },
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

function maskKeepLast(text: string, keepLast: number): string {
  const chars = [...text];
  const keep = Math.min(keepLast, chars.length);
  return '*'.repeat(chars.length - keep) + chars.slice(chars.length - keep).join('');
}

/** Starts the baseline on 127.0.0.1:`port` against the four upstream base URLs and the Risk and Loyalty addresses. */
export async function startBaselineServer(urls: Record<keyof Upstreams, string>, port = 0): Promise<BaselineServer & { url: string }> {
  const typeDefs = BINDING_DIRECTIVES_SDL + (await readFile(SCHEMA_FILE, 'utf8'));
  const upstreams: Upstreams = {
    crm: createUpstreamClient(urls.crm),
    orders: createUpstreamClient(urls.orders),
    tickets: createUpstreamClient(urls.tickets),
    agents: createUpstreamClient(urls.agents),
    risk: createRiskClient(urls.risk),
    loyalty: createLoyaltyClient(urls.loyalty),
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
