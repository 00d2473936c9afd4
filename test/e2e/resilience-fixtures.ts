import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.ts';
import type { GatewayOptions } from '../../src/index.ts';

/**
 * Two connectors: `accounts` (healthy, the control) and `profiles` (the one faults are injected
 * into). A user's profile comes from `profiles`, so a profiles fault must null only `profile`.
 */
export const RESILIENCE_SCHEMA = `
type Query {
  users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}")
  profile(id: ID!): Profile @source(connector: "profiles", operation: "getProfiles", key: "{args.id}")
}

type User {
  id: ID!
  name: String
  profile: Profile @source(connector: "profiles", operation: "getProfiles", key: "{parent.id}")
}

type Profile {
  id: ID!
  bio: String
}
`;

export const ACCOUNTS_YAML = `
baseUrl: \${ACCOUNTS_URL}
operations:
  getUsers:
    path: /users
    query: { ids: "{keys}" }
    batch: { maxSize: 50, keyField: id }
    result: items
`;

/** The profiles connector with tight, test-sized limits; `extra` is appended at the top level. */
export function profilesYaml(extra = ''): string {
  return `
baseUrl: \${PROFILES_URL}
timeoutMs: 300
${extra}
operations:
  getProfiles:
    path: /profiles
    query: { ids: "{keys}" }
    batch: { maxSize: 50, keyField: id }
    result: items
`;
}

export const usersBody = (url: URL) => ({ items: ids(url).map((id) => ({ id, name: `User ${id}` })) });
export const profilesBody = (url: URL) => ({ items: ids(url).map((id) => ({ id, bio: `Bio of ${id}` })) });
const ids = (url: URL) => (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);

export interface ResilienceRig {
  upstream: FaultUpstream;
  gw: TestGateway;
  close(): Promise<void>;
}

/** One fault upstream serving both connectors, and a fresh gateway (fresh breakers and budgets). */
export async function startRig(profilesExtra: string, options: Partial<GatewayOptions> = {}, upstream?: FaultUpstream): Promise<ResilienceRig> {
  const own = upstream ?? (await startFaultUpstream({ '/users': usersBody, '/profiles': profilesBody }));
  const config = await writeConfigDir({
    schemas: { 'app.graphql': RESILIENCE_SCHEMA },
    connectors: { 'accounts.yaml': ACCOUNTS_YAML, 'profiles.yaml': profilesYaml(profilesExtra) },
  });
  const gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: own.url, PROFILES_URL: own.url }, dev: true, ...options });
  return {
    upstream: own,
    gw,
    async close() {
      await gw.close();
      if (!upstream) await own.close();
      await config.remove();
    },
  };
}

export const USERS_WITH_PROFILES = '{ users(ids: ["1", "2"]) { id name profile { id bio } } }';
