import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
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
  searchProfiles(text: String!): [Profile] @source(connector: "profiles", operation: "search", params: { text: "{args.text}" })
  searchProfilesIdempotent(text: String!): [Profile] @source(connector: "profiles", operation: "searchIdempotent", params: { text: "{args.text}" })
}

type User {
  id: ID!
  name: String
  profile: Profile @source(connector: "profiles", operation: "getProfiles", key: "{parent.id}")
  staleProfile: Profile @source(connector: "profiles", operation: "getProfiles", key: "{parent.id}") @fallback(staleForMs: 60000)
  profileOrDefault: Profile @source(connector: "profiles", operation: "getProfiles", key: "{parent.id}")
    @fallback(staleForMs: 60000, value: { id: "?", bio: "unavailable" })
  "Only ever answered by its fallback in the tests: shows that a fallback is masked like a fetched value."
  phoneOrDefault: String @source(connector: "profiles", operation: "getProfiles", key: "{parent.id}")
    @fallback(value: "5551234567") @mask(keepLast: 4)
  "Keyed by a field the users' answer brings (not their key): a fetch that must wait for it."
  profileByName: Profile @source(connector: "profiles", operation: "getProfiles", key: "{parent.name}")
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

export interface ProfilesSettings {
  /** YAML appended at the connector's top level (retry:, circuitBreaker:, …). */
  connector?: string;
  /** YAML appended to the getProfiles operation (indented by the caller). */
  getProfiles?: string;
  timeoutMs?: number;
}

/** The profiles connector with tight, test-sized limits; POST search, once plain, once idempotent. */
export function profilesYaml(settings: ProfilesSettings = {}): string {
  return `
baseUrl: \${PROFILES_URL}
timeoutMs: ${settings.timeoutMs ?? 300}
${settings.connector ?? ''}
operations:
  getProfiles:
    path: /profiles
    query: { ids: "{keys}", fields: "{fields}" }
    batch: { maxSize: 50, keyField: id }
    result: items
${settings.getProfiles ?? ''}
  search:
    method: POST
    path: /profiles/search
    body: { text: "{text}" }
    params: { text: String! }
    result: items
  searchIdempotent:
    method: POST
    idempotent: true
    path: /profiles/search
    body: { text: "{text}" }
    params: { text: String! }
    result: items
`;
}

export const usersBody = (url: URL) => ({ items: ids(url).map((id) => ({ id, name: `User ${id}` })) });
/** Profiles trim their answer to `fields` when asked, as real field-selecting upstreams do. */
export const profilesBody = (url: URL) => {
  const fields = url.searchParams.get('fields')?.split(',');
  return { items: ids(url).map((id) => trim({ id, bio: `Bio of ${id}` }, fields)) };
};
const trim = (item: Record<string, unknown>, fields: string[] | undefined) => (fields ? Object.fromEntries(Object.entries(item).filter(([k]) => fields.includes(k))) : item);
const ids = (url: URL) => (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);

export interface ResilienceRig {
  upstream: FaultUpstream;
  gw: TestGateway;
  close(): Promise<void>;
}

/**
 * One fault upstream serving both connectors, and a fresh gateway (fresh breakers and budgets).
 * The gateway is in production mode, so errors are what callers see there (a dev gateway adds
 * each error's diagnosis to its message); tests of the explain header pass `{ dev: true }`.
 */
export async function startRig(profiles: ProfilesSettings, options: Partial<GatewayOptions> = {}, upstream?: FaultUpstream, gatewayYaml?: string, callersYaml?: string): Promise<ResilienceRig> {
  const own = upstream ?? (await startFaultUpstream({ '/users': usersBody, '/profiles': profilesBody }));
  const config = await writeConfigDir({
    schemas: { 'app.graphql': RESILIENCE_SCHEMA },
    connectors: { 'accounts.yaml': ACCOUNTS_YAML, 'profiles.yaml': profilesYaml(profiles) },
  });
  if (gatewayYaml !== undefined) await writeFile(path.join(config.dir, 'gateway.yaml'), gatewayYaml);
  if (callersYaml !== undefined) await writeFile(path.join(config.dir, 'callers.yaml'), callersYaml);
  const gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: own.url, PROFILES_URL: own.url }, ...options });
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

/** The extensions every profiles error carries. */
export const PROFILE_IDS = { connector: 'profiles', operation: 'getProfiles' };
export const PROFILE_QUERY = (id: string) => `{ profile(id: "${id}") { id bio } }`;
export const codesOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => (body.errors ?? []).map((e) => e.extensions?.code);

export { waitFor } from '../support/wait-for.ts';

/** What a resilience test file works with: one fault upstream for the file, one gateway per test. */
export interface RigHarness {
  /** The file's fault upstream (reset after every test). */
  readonly upstream: FaultUpstream;
  /** Starts this test's gateway; it is closed after the test. */
  start(profiles: ProfilesSettings, options?: Partial<GatewayOptions>, gatewayYaml?: string, callersYaml?: string): Promise<ResilienceRig>;
}

/** Registers the hooks every resilience test file needs and returns the harness they share. */
export function useRigs(): RigHarness {
  let upstream: FaultUpstream | undefined;
  let rig: ResilienceRig | undefined;
  beforeAll(async () => {
    upstream = await startFaultUpstream({ '/users': usersBody, '/profiles': profilesBody });
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    upstream!.reset();
  });
  afterAll(() => upstream!.close());
  return {
    get upstream() {
      return upstream!;
    },
    async start(profiles, options = {}, gatewayYaml, callersYaml) {
      rig = await startRig(profiles, options, upstream!, gatewayYaml, callersYaml);
      return rig;
    },
  };
}
