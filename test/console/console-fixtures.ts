import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.ts';
import { ACCOUNTS_YAML, profilesBody, profilesYaml, RESILIENCE_SCHEMA, usersBody } from '../e2e/resilience-fixtures.ts';
import type { GatewayOptions } from '../../src/index.ts';

export const ADMIN_TOKEN = 'console-test-token-0123456789';

/** The API keys of the two declared callers (callers.yaml holds their sha256). */
export const API_KEYS = { alpha: 'alpha-key-0123456789', limited: 'limited-key-0123456789', ops: 'ops-key-0123456789' };
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

/** Three callers with API keys (ops holds the operator scope); a request without a key is the caller `anonymous`. */
export const CALLERS_YAML = `
mode: optional
callers:
  alpha: { keys: [${sha256(API_KEYS.alpha)}] }
  limited: { keys: [${sha256(API_KEYS.limited)}] }
  ops: { keys: [${sha256(API_KEYS.ops)}], scopes: [tessera:operator] }
`;

/** Console on, two callers with rate limits of their own (so the metrics label them by name). */
export const CONSOLE_GATEWAY_YAML = `
console:
  enabled: true
  adminToken: ${ADMIN_TOKEN}
rateLimits:
  callers:
    alpha: { requestsPerSecond: 1000 }
    limited: { requestsPerSecond: 1, burst: 2 }
`;

export interface ConsoleRig {
  upstream: FaultUpstream;
  gw: TestGateway;
  configDir: string;
  /** GETs (or POSTs) an admin path with the token unless `auth` says otherwise. */
  admin(pathname: string, init?: RequestInit & { auth?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** The resilience rig's two connectors (accounts, profiles) on one fault upstream, with the console on. */
export async function startConsoleRig(gatewayYaml = CONSOLE_GATEWAY_YAML, options: Partial<GatewayOptions> = {}): Promise<ConsoleRig> {
  const upstream = await startFaultUpstream({ '/users': usersBody, '/profiles': profilesBody });
  const config = await writeConfigDir({
    schemas: { 'app.graphql': RESILIENCE_SCHEMA },
    connectors: { 'accounts.yaml': ACCOUNTS_YAML, 'profiles.yaml': profilesYaml({ connector: 'retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 }' }) },
  });
  await writeFile(path.join(config.dir, 'gateway.yaml'), gatewayYaml);
  await writeFile(path.join(config.dir, 'callers.yaml'), CALLERS_YAML);
  const gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: upstream.url, PROFILES_URL: upstream.url }, ...options });
  return {
    upstream,
    gw,
    configDir: config.dir,
    admin(pathname, init = {}) {
      const { auth = `Bearer ${ADMIN_TOKEN}`, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (auth !== null) headers.set('authorization', auth);
      return fetch(`${gw.url}${pathname}`, { ...rest, headers, redirect: 'manual' });
    },
    async close() {
      await gw.close();
      await upstream.close();
      await config.remove();
    },
  };
}
